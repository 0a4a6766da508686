import XCTest
@testable import ProvokeManifest

final class TimeLiteralTests: XCTestCase {
    private func seconds(_ literal: String) -> Result<Int64, TimeLiteralError> {
        Result { () throws(TimeLiteralError) in try TimeLiteral.microseconds(fromSeconds: literal) }
    }

    private func clock(_ text: String) -> Result<Int64, TimeLiteralError> {
        Result { () throws(TimeLiteralError) in try TimeLiteral.microseconds(fromClock: text) }
    }

    private func failure(_ message: String) -> Result<Int64, TimeLiteralError> {
        .failure(TimeLiteralError(message: message))
    }

    private let expected = #"expected a time ("HH:MM:SS.mmm", "MM:SS.mmm", "SS.mmm" or seconds as a number)"#

    func testSecondsAreReadExactlyWithoutBinaryRounding() {
        XCTAssertEqual(seconds("10.1"), .success(10_100_000))
        XCTAssertEqual(seconds("10.5"), .success(10_500_000))
        // Through a Double, 1.001 × 10^6 is 1000999.99999… and truncates to 1_000_999; digits don't round.
        XCTAssertEqual(seconds("1.001"), .success(1_001_000))
        XCTAssertEqual(Int64(1.001 * 1_000_000), 1_000_999, "the trap this parser avoids")
        XCTAssertEqual(seconds("4.35"), .success(4_350_000))
        XCTAssertEqual(seconds("0.9"), .success(900_000))
        XCTAssertEqual(seconds("40"), .success(40_000_000))
        XCTAssertEqual(seconds("0"), .success(0))
        XCTAssertEqual(seconds("-0"), .success(0))
        XCTAssertEqual(seconds("0.000001"), .success(1))
        XCTAssertEqual(seconds("7261.123456"), .success(7_261_123_456))
        XCTAssertEqual(seconds("-2.5"), .success(-2_500_000))
    }

    func testExponentsAndTrailingZerosAreExact() {
        XCTAssertEqual(seconds("1.5e1"), .success(15_000_000))
        XCTAssertEqual(seconds("15E-1"), .success(1_500_000))
        XCTAssertEqual(seconds("1e-6"), .success(1))
        XCTAssertEqual(seconds("1e+3"), .success(1_000_000_000))
        // More than six decimals written, but the value is a whole number of microseconds.
        XCTAssertEqual(seconds("10.100000000"), .success(10_100_000))
        XCTAssertEqual(seconds("0e999999999999"), .success(0))
    }

    func testSecondsFinerThanAMicrosecondOrHugeAreErrors() {
        XCTAssertEqual(seconds("0.0000001"),
                       failure("expected at most 6 decimal places (microseconds), found 0.0000001"))
        XCTAssertEqual(seconds("10.1234567"),
                       failure("expected at most 6 decimal places (microseconds), found 10.1234567"))
        XCTAssertEqual(seconds("1e-7"), failure("expected at most 6 decimal places (microseconds), found 1e-7"))
        XCTAssertEqual(seconds("1e999999999999"),
                       failure("expected a time of at most 1000000 hours, found 1e999999999999"))
        XCTAssertEqual(seconds("3600000001"), failure("expected a time of at most 1000000 hours, found 3600000001"))
        XCTAssertEqual(seconds("3600000000"), .success(3_600_000_000_000_000))
        XCTAssertEqual(seconds("ten"), failure("\(expected), found ten"))
    }

    func testClockFormats() {
        XCTAssertEqual(clock("01:02:03.250"), .success((3600 + 2 * 60 + 3) * 1_000_000 + 250_000))
        XCTAssertEqual(clock("1:02:03"), .success(3723 * 1_000_000))
        XCTAssertEqual(clock("00:01:02.25"), .success(62_250_000))
        XCTAssertEqual(clock("02:03.5"), .success(123_500_000))
        XCTAssertEqual(clock("00:10.000"), .success(10_000_000))
        XCTAssertEqual(clock("03.25"), .success(3_250_000))
        XCTAssertEqual(clock("3"), .success(3_000_000))
        XCTAssertEqual(clock("10.123456"), .success(10_123_456))
        XCTAssertEqual(clock("0:00:00.000001"), .success(1))
        // The leading unit is not bounded: 90 minutes, 75 seconds, 100 hours.
        XCTAssertEqual(clock("90:00"), .success(5_400_000_000))
        XCTAssertEqual(clock("75.5"), .success(75_500_000))
        XCTAssertEqual(clock("100:00:00"), .success(360_000_000_000))
    }

    func testMalformedClocks() {
        for text in ["1:2:3:4", "", " 10", "10 ", "-5", "+5", "1e3", "10.", ".5", "1:5", "01:2:03", "1::03",
                     "01:02:", ":10", "1.5:00", "12:34.5.6", "٣", "00:10,500", "1h"] {
            XCTAssertEqual(clock(text), failure("\(expected), found \(quoted(text))"), text)
        }
        XCTAssertEqual(clock("1:2:3:4"), failure(
            #"expected a time ("HH:MM:SS.mmm", "MM:SS.mmm", "SS.mmm" or seconds as a number), found "1:2:3:4""#))
    }

    func testClockUnitsBelowSixtyAfterALargerUnit() {
        XCTAssertEqual(clock("01:60:00"), failure(#"expected minutes from 00 to 59 when hours are given, found "01:60:00""#))
        XCTAssertEqual(clock("01:00:60"), failure(#"expected seconds from 00 to 59 when minutes are given, found "01:00:60""#))
        XCTAssertEqual(clock("05:75.5"), failure(#"expected seconds from 00 to 59 when minutes are given, found "05:75.5""#))
        XCTAssertEqual(clock("00:59:59.999999"), .success(3_599_999_999))
    }

    func testClockFractionDigits() {
        XCTAssertEqual(clock("00:00:01.1234567"),
                       failure(#"expected at most 6 decimal places (microseconds), found "00:00:01.1234567""#))
        XCTAssertEqual(clock("1234567890:00"),
                       failure(#"expected a time of at most 1000000 hours, found "1234567890:00""#))
        XCTAssertEqual(clock("1000001:00:00"),
                       failure(#"expected a time of at most 1000000 hours, found "1000001:00:00""#))
    }

    func testFormatVersionLiteralsAsIntegers() {
        XCTAssertEqual(DecimalLiteral("1")?.scaled(byPowerOfTen: 0), .value(1))
        XCTAssertEqual(DecimalLiteral("1.0")?.scaled(byPowerOfTen: 0), .value(1))
        XCTAssertEqual(DecimalLiteral("1.5")?.scaled(byPowerOfTen: 0), .finerThanUnit)
        XCTAssertEqual(DecimalLiteral("2e0")?.scaled(byPowerOfTen: 0), .value(2))
        XCTAssertNil(DecimalLiteral("1."))
        XCTAssertNil(DecimalLiteral("0x10"))
    }

    func testMessagesPrintTimesToTheMicrosecondOnlyWhenNeeded() {
        XCTAssertEqual(µs(130_000_000).exactDescription, "00:02:10.000")
        XCTAssertEqual(µs(3_723_250_000).exactDescription, "01:02:03.250")
        XCTAssertEqual(µs(10_000_100).exactDescription, "00:00:10.000100")
    }
}
