// Manifest times to whole microseconds, exactly.
//
// A time is written as seconds (a JSON number such as `10.5`) or as a clock string (`"01:02:03.250"`).
// Both are read digit by digit into integers, so `10.1` is 10_100_000 µs and never 10.0999999…;
// no Double is involved. The command line can use the same rules for times it takes as arguments.

/// Why a time could not be read; `message` is a complete "expected …, found …" sentence.
public struct TimeLiteralError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}

public enum TimeLiteral {
    /// The accepted forms, as every message about a malformed time states them.
    public static let expectation =
        #"a time ("HH:MM:SS.mmm", "MM:SS.mmm", "SS.mmm" or seconds as a number)"#

    /// The most fractional digits a time may have: the unit is the microsecond.
    public static let maximumFractionDigits = 6

    /// Seconds written as a JSON number literal (`40`, `10.5`, `1.5e1`, `-2`) in microseconds.
    /// Negative values are returned as such; whether they are allowed is the caller's rule.
    public static func microseconds(fromSeconds literal: String) throws(TimeLiteralError) -> Int64 {
        guard let decimal = DecimalLiteral(literal) else {
            throw TimeLiteralError(message: "expected \(expectation), found \(literal)")
        }
        switch decimal.scaled(byPowerOfTen: 6) {
        case .value(let microseconds) where abs(microseconds) <= maximumHours * 3_600_000_000:
            return microseconds
        case .finerThanUnit:
            throw TimeLiteralError(message:
                "expected at most \(maximumFractionDigits) decimal places (microseconds), found \(literal)")
        case .tooLarge, .value:
            throw TimeLiteralError(message: "expected a time of at most \(maximumHours) hours, found \(literal)")
        }
    }

    /// A clock string in microseconds: `"HH:MM:SS.mmm"`, `"MM:SS.mmm"` or `"SS.mmm"`. The first unit may have
    /// any number of digits (`"90:00"` is 90 minutes); a unit after it has exactly two and is below 60. The
    /// fraction is optional and has 1 to 6 digits. No sign, no spaces.
    public static func microseconds(fromClock text: String) throws(TimeLiteralError) -> Int64 {
        let malformed = TimeLiteralError(message: "expected \(expectation), found \(quoted(text))")
        let utf8 = Array(text.utf8)
        var fields = utf8.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false).map(Array.init)
        guard (1...3).contains(fields.count) else { throw malformed }

        // The fraction belongs to the last field only.
        var fraction: [UInt8] = []
        let last = fields.count - 1
        if let dot = fields[last].firstIndex(of: UInt8(ascii: ".")) {
            fraction = Array(fields[last][(dot + 1)...])
            fields[last] = Array(fields[last][..<dot])
            guard !fraction.isEmpty, fraction.allSatisfy(isDigit) else { throw malformed }
            guard fraction.count <= maximumFractionDigits else {
                throw TimeLiteralError(message: "expected at most \(maximumFractionDigits) decimal places "
                    + "(microseconds), found \(quoted(text))")
            }
        }
        for (index, field) in fields.enumerated() {
            guard !field.isEmpty, field.allSatisfy(isDigit), index == 0 || field.count == 2 else { throw malformed }
        }
        // A leading field this long is beyond any recording and would overflow; say so rather than wrap.
        guard fields[0].count <= 9 else {
            throw TimeLiteralError(message: "expected a time of at most \(maximumHours) hours, found \(quoted(text))")
        }

        let values = fields.map { $0.reduce(Int64(0)) { $0 * 10 + Int64($1 - UInt8(ascii: "0")) } }
        let units = ["seconds", "minutes", "hours"]
        for index in values.indices.dropFirst() where values[index] >= 60 {
            let unit = units[values.count - 1 - index], larger = units[values.count - index]
            throw TimeLiteralError(message:
                "expected \(unit) from 00 to 59 when \(larger) are given, found \(quoted(text))")
        }
        var seconds: Int64 = 0
        for value in values { seconds = seconds * 60 + value }
        let paddedFraction = fraction + Array(repeating: UInt8(ascii: "0"), count: maximumFractionDigits - fraction.count)
        let micros = paddedFraction.reduce(Int64(0)) { $0 * 10 + Int64($1 - UInt8(ascii: "0")) }
        guard seconds <= maximumHours * 3600 else {
            throw TimeLiteralError(message: "expected a time of at most \(maximumHours) hours, found \(quoted(text))")
        }
        return seconds * 1_000_000 + micros
    }

    /// Far beyond any recording, far below Int64 microseconds' limit (about 2.5 million hours).
    static let maximumHours: Int64 = 1_000_000

    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
}

/// A JSON number literal as sign, digits and a power of ten, so it can be scaled to an integer unit exactly.
struct DecimalLiteral: Equatable {
    var negative: Bool
    /// Significant digits without leading zeros (empty for zero).
    var digits: [UInt8]
    /// value = digits × 10^exponent
    var exponent: Int

    enum Scaled: Equatable {
        case value(Int64)
        /// The value has digits below the unit (`1.5` scaled by 10^0).
        case finerThanUnit
        case tooLarge
    }

    /// Reads the JSON number grammar: `-? digits (. digits)? ([eE] [+-]? digits)?`.
    init?(_ literal: String) {
        var bytes = Array(literal.utf8)[...]
        func digitRun() -> [UInt8] {
            let run = bytes.prefix { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
            bytes = bytes.dropFirst(run.count)
            return Array(run)
        }
        negative = bytes.first == UInt8(ascii: "-")
        if negative { bytes = bytes.dropFirst() }
        let integer = digitRun()
        guard !integer.isEmpty else { return nil }
        var fraction: [UInt8] = []
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            fraction = digitRun()
            guard !fraction.isEmpty else { return nil }
        }
        var powerOfTen = 0
        if let mark = bytes.first, mark == UInt8(ascii: "e") || mark == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            var exponentNegative = false
            if let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                exponentNegative = sign == UInt8(ascii: "-")
                bytes = bytes.dropFirst()
            }
            let raw = digitRun()
            guard !raw.isEmpty else { return nil }
            let run = raw.drop { $0 == UInt8(ascii: "0") }
            // Clamp: any exponent past ±10^6 over- or underflows every unit we scale to.
            let magnitude = run.count > 6 ? 10_000_000 : run.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
            powerOfTen = exponentNegative ? -magnitude : magnitude
        }
        guard bytes.isEmpty else { return nil }
        digits = Array((integer + fraction).drop { $0 == UInt8(ascii: "0") })
        exponent = powerOfTen - fraction.count
        // Trailing zeros carry no value: 10.100 is 101 × 10^-1.
        while let last = digits.last, last == UInt8(ascii: "0") {
            digits.removeLast()
            exponent += 1
        }
        if digits.isEmpty { exponent = 0 }
    }

    /// The value × 10^power as an exact integer, if it is one and fits comfortably in Int64.
    func scaled(byPowerOfTen power: Int) -> Scaled {
        if digits.isEmpty { return .value(0) }
        let scale = exponent + power
        if scale < 0 { return .finerThanUnit }
        // 18 decimal digits always fit in Int64 (max ≈ 9.2 × 10^18).
        if digits.count + scale > 18 { return .tooLarge }
        var value: Int64 = 0
        for digit in digits { value = value * 10 + Int64(digit - UInt8(ascii: "0")) }
        for _ in 0..<scale { value *= 10 }
        return .value(negative ? -value : value)
    }
}
