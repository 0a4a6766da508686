// A JSON reader that remembers where everything is.
//
// Foundation's JSONSerialization gives values without positions and Doubles for numbers; a manifest
// diagnostic needs `line:column` for every value and key, and a time needs its exact decimal text. This
// file owns the JSON grammar (RFC 8259) and nothing about the manifest: ManifestDecoder gives the tree meaning.

import Foundation

/// A place in the manifest text. Both are 1-based; the column counts Unicode scalars from the start of the
/// line (a tab is one column, a leading byte-order mark none), so `é` is one column, not two bytes.
struct TextPosition: Hashable, Sendable, Comparable, CustomStringConvertible {
    var line: Int
    var column: Int

    static func < (a: TextPosition, b: TextPosition) -> Bool { (a.line, a.column) < (b.line, b.column) }
    var description: String { "line \(line), column \(column)" }
}

/// A JSON value and where it starts.
struct JSONNode: Sendable, Equatable {
    enum Value: Sendable, Equatable {
        /// Members in document order; a duplicated key keeps only its first member (the parser reports the rest).
        case object([JSONMember])
        case array([JSONNode])
        case string(String)
        /// The number exactly as written (`10.5`, `-0`, `1e3`): no binary floating point on the way.
        case number(String)
        case bool(Bool)
        case null
    }

    var value: Value
    var position: TextPosition

    /// How a message names this value after "found": the value itself for scalars, its kind for containers.
    var foundDescription: String {
        switch value {
        case .object: return "an object"
        case .array(let items): return items.isEmpty ? "an empty array" : "an array"
        case .string(let text): return quoted(text)
        case .number(let literal): return literal
        case .bool(let flag): return flag ? "true" : "false"
        case .null: return "null"
        }
    }
}

struct JSONMember: Sendable, Equatable {
    var key: String
    var keyPosition: TextPosition
    var value: JSONNode
}

/// A key that appears twice in one object. Not a syntax error, so the parse goes on and every one is reported.
struct JSONDuplicateKey: Sendable, Equatable {
    var key: String
    /// The object holding the key.
    var objectPath: JSONPath
    /// The second (ignored) occurrence, and the first (kept) one.
    var position: TextPosition
    var firstPosition: TextPosition
}

struct JSONDocument: Sendable, Equatable {
    var root: JSONNode
    var duplicateKeys: [JSONDuplicateKey]
}

/// Text that is not JSON: where, inside which value, and what was expected there.
struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    var position: TextPosition
    var path: JSONPath
    var message: String
    var description: String { "\(position.line):\(position.column): \(message)" }
}

/// Where a value sits in the document, printed the way a producer reads it: `clips[2].out`, `` for the root.
struct JSONPath: Hashable, Sendable, CustomStringConvertible {
    enum Component: Hashable, Sendable {
        case key(String)
        case index(Int)
    }

    var components: [Component] = []

    static let root = JSONPath()

    static func + (path: JSONPath, key: String) -> JSONPath {
        JSONPath(components: path.components + [.key(key)])
    }

    static func + (path: JSONPath, index: Int) -> JSONPath {
        JSONPath(components: path.components + [.index(index)])
    }

    var description: String {
        var text = ""
        for component in components {
            switch component {
            case .index(let index):
                text += "[\(index)]"
            case .key(let key) where JSONPath.isPlainKey(key):
                text += text.isEmpty ? key : "." + key
            case .key(let key):
                // A key a dot would make ambiguous (`a.b`, `x y`, ``) is written like a subscript.
                text += "[\(quoted(key, limit: nil))]"
            }
        }
        return text
    }

    private static func isPlainKey(_ key: String) -> Bool {
        guard let first = key.unicodeScalars.first, first.isASCIILetter || first == "_" else { return false }
        return key.unicodeScalars.allSatisfy { $0.isASCIILetter || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" }
    }
}

/// `"text"` with JSON escapes, shortened with `…` past `limit` characters, for messages.
func quoted(_ text: String, limit: Int? = 60) -> String {
    var body = ""
    for (count, scalar) in text.unicodeScalars.enumerated() {
        if let limit, count == limit { body += "…"; break }
        switch scalar {
        case "\"": body += "\\\""
        case "\\": body += "\\\\"
        case "\n": body += "\\n"
        case "\r": body += "\\r"
        case "\t": body += "\\t"
        case _ where scalar.value < 0x20 || scalar.value == 0x7F:
            body += String(format: "\\u%04X", scalar.value)
        default: body.unicodeScalars.append(scalar)
        }
    }
    return "\"\(body)\""
}

extension Unicode.Scalar {
    fileprivate var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
}

/// Parses UTF-8 JSON (with or without a byte-order mark) into positioned nodes. Stops at the first syntax
/// error: after one, nothing that follows can be located reliably.
struct JSONParser {
    /// Deeper nesting is certainly not a manifest, and recursion this deep must not overflow the stack.
    static let maximumDepth = 512

    private let bytes: [UInt8]
    private var offset = 0
    private var line = 1
    private var column = 1
    private var depth = 0
    /// The path of the value being parsed, so a syntax error says where in the manifest it is.
    private var path = JSONPath.root
    private var duplicateKeys: [JSONDuplicateKey] = []

    private init(bytes: [UInt8]) { self.bytes = bytes }

    static func parse(_ data: Data) throws(JSONSyntaxError) -> JSONDocument {
        var parser = JSONParser(bytes: Array(data))
        return try parser.parseDocument()
    }

    static func parse(_ text: String) throws(JSONSyntaxError) -> JSONDocument {
        try parse(Data(text.utf8))
    }

    // MARK: Document

    private mutating func parseDocument() throws(JSONSyntaxError) -> JSONDocument {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            offset = 3  // the UTF-8 byte-order mark some Windows editors write; not a column
        } else if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            throw error("expected UTF-8 text, found a UTF-16 byte-order mark (save the manifest as UTF-8)")
        }
        skipWhitespace()
        let root = try parseValue(expecting: "a JSON value")
        skipWhitespace()
        if offset < bytes.count {
            throw error("expected the end of the file after the top-level value, found \(foundHere())")
        }
        return JSONDocument(root: root, duplicateKeys: duplicateKeys)
    }

    // MARK: Values

    private mutating func parseValue(expecting expectation: String) throws(JSONSyntaxError) -> JSONNode {
        let start = position
        guard let byte = peek() else { throw error("expected \(expectation), found the end of the file") }
        switch byte {
        case UInt8(ascii: "{"):
            return try parseObject()
        case UInt8(ascii: "["):
            return try parseArray()
        case UInt8(ascii: "\""):
            return JSONNode(value: .string(try parseString()), position: start)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return JSONNode(value: .number(try parseNumber()), position: start)
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            for (word, value) in [("true", JSONNode.Value.bool(true)), ("false", .bool(false)), ("null", .null)]
            where matchesWord(word) {
                for _ in word.utf8 { advance() }
                return JSONNode(value: value, position: start)
            }
            fallthrough
        default:
            throw error("expected \(expectation), found \(foundHere())")
        }
    }

    private mutating func parseObject() throws(JSONSyntaxError) -> JSONNode {
        let start = position
        try enterContainer()
        advance()  // {
        var members: [JSONMember] = []
        var firstPositions: [String: TextPosition] = [:]
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            advance()
            depth -= 1
            return JSONNode(value: .object(members), position: start)
        }
        while true {
            guard peek() == UInt8(ascii: "\"") else {
                if members.isEmpty {
                    throw error("expected a key in double quotes or '}' after '{', found \(foundHere())")
                }
                let trailing = peek() == UInt8(ascii: "}") ? " (JSON allows no comma before '}')" : ""
                throw error("expected a key in double quotes after ',', found \(foundHere())\(trailing)")
            }
            let keyPosition = position
            let key = try parseString()
            skipWhitespace()
            guard peek() == UInt8(ascii: ":") else {
                throw error("expected ':' after the key \(quoted(key)), found \(foundHere())")
            }
            advance()
            skipWhitespace()
            let objectPath = path
            path = path + key
            let value = try parseValue(expecting: "a value after ':'")
            path = objectPath
            if let first = firstPositions[key] {
                duplicateKeys.append(JSONDuplicateKey(
                    key: key, objectPath: objectPath, position: keyPosition, firstPosition: first))
            } else {
                firstPositions[key] = keyPosition
                members.append(JSONMember(key: key, keyPosition: keyPosition, value: value))
            }
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","):
                advance()
                skipWhitespace()
            case UInt8(ascii: "}"):
                advance()
                depth -= 1
                return JSONNode(value: .object(members), position: start)
            default:
                throw error("expected ',' or '}' after object member, found \(foundHere())")
            }
        }
    }

    private mutating func parseArray() throws(JSONSyntaxError) -> JSONNode {
        let start = position
        try enterContainer()
        advance()  // [
        var items: [JSONNode] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            advance()
            depth -= 1
            return JSONNode(value: .array(items), position: start)
        }
        while true {
            let arrayPath = path
            path = path + items.count
            if items.isEmpty {
                items.append(try parseValue(expecting: "a value or ']' after '['"))
            } else if peek() == UInt8(ascii: "]") {
                throw error("expected a value after ',', found ']' (JSON allows no comma before ']')")
            } else {
                items.append(try parseValue(expecting: "a value after ','"))
            }
            path = arrayPath
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","):
                advance()
                skipWhitespace()
            case UInt8(ascii: "]"):
                advance()
                depth -= 1
                return JSONNode(value: .array(items), position: start)
            default:
                throw error("expected ',' or ']' after array element, found \(foundHere())")
            }
        }
    }

    private mutating func enterContainer() throws(JSONSyntaxError) {
        depth += 1
        if depth > JSONParser.maximumDepth {
            throw error("expected at most \(JSONParser.maximumDepth) nested arrays and objects, found more")
        }
    }

    // MARK: Strings

    private mutating func parseString() throws(JSONSyntaxError) -> String {
        let start = position
        advance()  // "
        var scalars = String.UnicodeScalarView()
        while true {
            guard let byte = peek() else {
                throw error("expected '\"' to end the string that starts at \(start), found the end of the file")
            }
            switch byte {
            case UInt8(ascii: "\""):
                advance()
                return String(scalars)
            case UInt8(ascii: "\\"):
                scalars.append(try parseEscape())
            case 0..<0x20:
                let what = byte == 0x0A ? "a line break (write \\n inside a string)" : foundHere()
                throw error("expected '\"' to end the string that starts at \(start), found \(what)")
            case 0..<0x80:
                scalars.append(Unicode.Scalar(byte))
                advance()
            default:
                guard let (scalar, length) = decodeScalar(at: offset) else {
                    throw error(String(format: "expected UTF-8 text, found the byte 0x%02X", byte))
                }
                scalars.append(scalar)
                for _ in 0..<length { advance() }
            }
        }
    }

    private mutating func parseEscape() throws(JSONSyntaxError) -> Unicode.Scalar {
        advance()  // backslash
        guard let byte = peek() else {
            throw error("expected an escape after '\\', found the end of the file")
        }
        let simple: [UInt8: Unicode.Scalar] = [
            UInt8(ascii: "\""): "\"", UInt8(ascii: "\\"): "\\", UInt8(ascii: "/"): "/",
            UInt8(ascii: "b"): "\u{08}", UInt8(ascii: "f"): "\u{0C}", UInt8(ascii: "n"): "\n",
            UInt8(ascii: "r"): "\r", UInt8(ascii: "t"): "\t",
        ]
        if let scalar = simple[byte] {
            advance()
            return scalar
        }
        guard byte == UInt8(ascii: "u") else {
            throw error(#"expected an escape (\" \\ \/ \b \f \n \r \t or \uXXXX) after '\', found "#
                + foundHere())
        }
        let escapePosition = TextPosition(line: line, column: column - 1)
        advance()
        let unit = try parseHex4()
        switch unit {
        case 0xD800...0xDBFF:
            // UTF-16 high surrogate: JSON spells characters beyond U+FFFF as a pair of \u escapes.
            guard peek() == UInt8(ascii: "\\"), peek(1) == UInt8(ascii: "u") else {
                throw error(String(format: "expected a \\uDC00–\\uDFFF escape to complete the surrogate pair "
                    + "\\u%04X, found ", unit) + foundHere())
            }
            advance(); advance()
            let low = try parseHex4()
            guard (0xDC00...0xDFFF).contains(low) else {
                throw error(String(format: "expected a \\uDC00–\\uDFFF escape to complete the surrogate pair "
                    + "\\u%04X, found \\u%04X", unit, low), at: TextPosition(line: line, column: column - 6))
            }
            return Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))!
        case 0xDC00...0xDFFF:
            throw error(String(format: "expected a character escape, found the unpaired low surrogate \\u%04X",
                unit), at: escapePosition)
        default:
            return Unicode.Scalar(unit)!
        }
    }

    private mutating func parseHex4() throws(JSONSyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = peek(), let digit = hexValue(byte) else {
                throw error("expected 4 hexadecimal digits after '\\u', found \(foundHere())")
            }
            value = value << 4 | digit
            advance()
        }
        return value
    }

    private func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    /// One well-formed UTF-8 sequence (no overlong forms, no surrogates, nothing past U+10FFFF).
    private func decodeScalar(at start: Int) -> (Unicode.Scalar, Int)? {
        let lead = bytes[start]
        let length: Int, minimum: UInt32
        var value: UInt32
        switch lead {
        case 0xC2...0xDF: length = 2; minimum = 0x80; value = UInt32(lead & 0x1F)
        case 0xE0...0xEF: length = 3; minimum = 0x800; value = UInt32(lead & 0x0F)
        case 0xF0...0xF4: length = 4; minimum = 0x10000; value = UInt32(lead & 0x07)
        default: return nil
        }
        guard start + length <= bytes.count else { return nil }
        for index in start + 1..<start + length {
            let byte = bytes[index]
            guard byte & 0xC0 == 0x80 else { return nil }
            value = value << 6 | UInt32(byte & 0x3F)
        }
        guard value >= minimum, let scalar = Unicode.Scalar(value) else { return nil }
        return (scalar, length)
    }

    // MARK: Numbers

    /// Checks the JSON number grammar and returns the literal unchanged; its meaning (seconds, a version)
    /// is the decoder's business.
    private mutating func parseNumber() throws(JSONSyntaxError) -> String {
        let start = offset
        if peek() == UInt8(ascii: "-") { advance() }
        switch peek() {
        case UInt8(ascii: "0"):
            advance()
            if let byte = peek(), isDigit(byte) {
                throw error("expected a number without leading zeros, found \(literal(from: start))\(foundHere())")
            }
        case let byte? where isDigit(byte):
            skipDigits()
        default:
            throw error("expected a digit after '-', found \(foundHere())")
        }
        if peek() == UInt8(ascii: ".") {
            advance()
            guard let byte = peek(), isDigit(byte) else {
                throw error("expected a digit after the decimal point, found \(foundHere())")
            }
            skipDigits()
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            advance()
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { advance() }
            guard let byte = peek(), isDigit(byte) else {
                throw error("expected a digit in the exponent, found \(foundHere())")
            }
            skipDigits()
        }
        return literal(from: start)
    }

    private func literal(from start: Int) -> String {
        String(decoding: bytes[start..<offset], as: UTF8.self)
    }

    private func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    private mutating func skipDigits() {
        while let byte = peek(), isDigit(byte) { advance() }
    }

    // MARK: Reading bytes

    private var position: TextPosition { TextPosition(line: line, column: column) }

    private func peek(_ ahead: Int = 0) -> UInt8? {
        offset + ahead < bytes.count ? bytes[offset + ahead] : nil
    }

    private mutating func advance() {
        let byte = bytes[offset]
        offset += 1
        if byte == 0x0A {
            line += 1
            column = 1
        } else if byte & 0xC0 != 0x80 {
            column += 1  // UTF-8 continuation bytes belong to the scalar already counted
        }
    }

    private mutating func skipWhitespace() {
        while let byte = peek(), byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { advance() }
    }

    private func matchesWord(_ word: String) -> Bool {
        let utf8 = Array(word.utf8)
        guard bytes.count - offset >= utf8.count, Array(bytes[offset..<offset + utf8.count]) == utf8 else {
            return false
        }
        if let next = peek(utf8.count), isWordByte(next) { return false }  // `nullable` is not `null`
        return true
    }

    private func isWordByte(_ byte: UInt8) -> Bool {
        isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || byte == UInt8(ascii: "_")
    }

    /// What is at the current offset, in words for an error message.
    private func foundHere() -> String {
        guard let byte = peek() else { return "the end of the file" }
        if isWordByte(byte) {
            var end = offset
            while end < bytes.count, end - offset < 30, isWordByte(bytes[end]) { end += 1 }
            return String(decoding: bytes[offset..<end], as: UTF8.self)
        }
        switch byte {
        case UInt8(ascii: "/"): return "'/' (JSON has no comments)"
        case UInt8(ascii: "'"): return "\"'\" (JSON strings use double quotes)"
        case 0x0A: return "a line break"
        case 0x21..<0x7F: return "'\(Character(Unicode.Scalar(byte)))'"
        case 0..<0x80: return String(format: "the control character U+%04X", byte)
        default:
            guard let (scalar, _) = decodeScalar(at: offset) else {
                return String(format: "the byte 0x%02X, which is not UTF-8", byte)
            }
            return String(format: "'\(scalar)' (U+%04X)", scalar.value)
        }
    }

    private func error(_ message: String, at where_: TextPosition? = nil) -> JSONSyntaxError {
        JSONSyntaxError(position: where_ ?? position, path: path, message: message)
    }
}
