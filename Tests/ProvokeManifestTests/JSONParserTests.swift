import Foundation
import XCTest
@testable import ProvokeManifest

final class JSONParserTests: XCTestCase {
    private func parse(_ text: String) throws -> JSONDocument { try JSONParser.parse(text) }

    /// The syntax error for `text`, as `line:column path: message`.
    private func syntaxError(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        syntaxError(Data(text.utf8), file: file, line: line)
    }

    private func syntaxError(_ data: Data, file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            let document = try JSONParser.parse(data)
            XCTFail("expected a syntax error, parsed \(document.root)", file: file, line: line)
            return ""
        } catch {
            let path = error.path.description
            return "\(error.position.line):\(error.position.column)\(path.isEmpty ? "" : " " + path): \(error.message)"
        }
    }

    func testValuesKeepPositionsKeyOrderAndKeyPositions() throws {
        let text = """
        {"b": [1, true,
          null], "a": {"é": "x"},
        \t"c": false}
        """
        let root = try parse(text).root
        XCTAssertEqual(root.position, TextPosition(line: 1, column: 1))
        guard case .object(let members) = root.value else { return XCTFail("not an object") }
        XCTAssertEqual(members.map(\.key), ["b", "a", "c"])
        XCTAssertEqual(members.map(\.keyPosition), [
            TextPosition(line: 1, column: 2), TextPosition(line: 2, column: 10), TextPosition(line: 3, column: 2),
        ])
        guard case .array(let items) = members[0].value.value else { return XCTFail("not an array") }
        XCTAssertEqual(items, [
            JSONNode(value: .number("1"), position: TextPosition(line: 1, column: 8)),
            JSONNode(value: .bool(true), position: TextPosition(line: 1, column: 11)),
            JSONNode(value: .null, position: TextPosition(line: 2, column: 3)),
        ])
        guard case .object(let inner) = members[1].value.value else { return XCTFail("not an object") }
        // "é" is one column though it is two bytes, so the value after it starts at column 21, not 22.
        XCTAssertEqual(inner, [JSONMember(key: "é", keyPosition: TextPosition(line: 2, column: 16),
            value: JSONNode(value: .string("x"), position: TextPosition(line: 2, column: 21)))])
        XCTAssertEqual(members[2].value, JSONNode(value: .bool(false), position: TextPosition(line: 3, column: 7)))
    }

    func testNumbersAreKeptAsTheirLiteralText() throws {
        let root = try parse(#"[10.5, -0, 1E+3, 0.1000, 123456789012345678901234567890]"#).root
        guard case .array(let items) = root.value else { return XCTFail("not an array") }
        XCTAssertEqual(items.map(\.value), [
            .number("10.5"), .number("-0"), .number("1E+3"), .number("0.1000"),
            .number("123456789012345678901234567890"),
        ])
    }

    func testStringEscapesSurrogatePairsAndRawUTF8() throws {
        let text = #"["\" \\ \/ \b \f \n \r \t", "\u00e9\u00E9", "\ud83d\ude00", "ŵ😀中", "\u0041"]"#
        let root = try parse(text).root
        guard case .array(let items) = root.value else { return XCTFail("not an array") }
        XCTAssertEqual(items.map(\.value), [
            .string("\" \\ / \u{08} \u{0C} \n \r \t"), .string("éé"), .string("😀"), .string("ŵ😀中"), .string("A"),
        ])
        // Columns count scalars, not bytes: "ŵ😀中" is 5 columns with its quotes (9 bytes more would give 77).
        XCTAssertEqual(items[4].position, TextPosition(line: 1, column: 68))
    }

    func testByteOrderMarkIsSkippedAndTakesNoColumn() throws {
        let withBOM = Data([0xEF, 0xBB, 0xBF]) + Data(#"{"a": 1}"#.utf8)
        let document = try JSONParser.parse(withBOM)
        guard case .object(let members) = document.root.value else { return XCTFail("not an object") }
        XCTAssertEqual(document.root.position, TextPosition(line: 1, column: 1))
        XCTAssertEqual(members.first?.value, JSONNode(value: .number("1"), position: TextPosition(line: 1, column: 7)))
        XCTAssertEqual(syntaxError(Data([0xEF, 0xBB, 0xBF]) + Data("{,".utf8)),
                       "1:2: expected a key in double quotes or '}' after '{', found ','")
    }

    func testCRLFLineEndings() throws {
        let root = try parse("{\r\n  \"a\":\r\n 1\r\n}").root
        guard case .object(let members) = root.value else { return XCTFail("not an object") }
        XCTAssertEqual(members.first?.keyPosition, TextPosition(line: 2, column: 3))
        XCTAssertEqual(members.first?.value.position, TextPosition(line: 3, column: 2))
    }

    func testDuplicateKeysAreRecordedAndTheFirstIsKept() throws {
        let text = """
        {"clips": [{"id": "a",
                    "in": 1, "id": "b"}]}
        """
        let document = try parse(text)
        XCTAssertEqual(document.duplicateKeys, [JSONDuplicateKey(
            key: "id", objectPath: JSONPath.root + "clips" + 0,
            position: TextPosition(line: 2, column: 22), firstPosition: TextPosition(line: 1, column: 13))])
        guard case .object(let root) = document.root.value, case .array(let clips) = root[0].value.value,
              case .object(let clip) = clips[0].value else { return XCTFail("shape") }
        XCTAssertEqual(clip.map(\.key), ["id", "in"])
        XCTAssertEqual(clip[0].value.value, .string("a"))
    }

    func testSyntaxErrorsSayWhereAndWhatWasExpected() {
        // A missing comma between members is found where the next key starts.
        XCTAssertEqual(syntaxError("{\n  \"a\": 1\n  \"b\": 2\n}"),
                       "3:3: expected ',' or '}' after object member, found '\"'")
        XCTAssertEqual(syntaxError(#"{"clips": [{"in": 1 "out": 2}]}"#),
                       #"1:21 clips[0]: expected ',' or '}' after object member, found '"'"#)
        XCTAssertEqual(syntaxError("[1 2]"), "1:4: expected ',' or ']' after array element, found 2")
        XCTAssertEqual(syntaxError(#"{"a": 1,}"#),
                       "1:9: expected a key in double quotes after ',', found '}' (JSON allows no comma before '}')")
        XCTAssertEqual(syntaxError("[1,]"), "1:4 [1]: expected a value after ',', found ']' (JSON allows no comma before ']')")
        XCTAssertEqual(syntaxError(#"{"a" 1}"#), #"1:6: expected ':' after the key "a", found 1"#)
        XCTAssertEqual(syntaxError(#"{"a": }"#), "1:7 a: expected a value after ':', found '}'")
        XCTAssertEqual(syntaxError(#"{a: 1}"#), "1:2: expected a key in double quotes or '}' after '{', found a")
        XCTAssertEqual(syntaxError("{'a': 1}"),
                       "1:2: expected a key in double quotes or '}' after '{', found \"'\" (JSON strings use double quotes)")
        XCTAssertEqual(syntaxError("{\n  // note\n}"),
                       "2:3: expected a key in double quotes or '}' after '{', found '/' (JSON has no comments)")
        XCTAssertEqual(syntaxError(#"{"a": True}"#), "1:7 a: expected a value after ':', found True")
        XCTAssertEqual(syntaxError(#"{"a": nullx}"#), "1:7 a: expected a value after ':', found nullx")
        XCTAssertEqual(syntaxError(""), "1:1: expected a JSON value, found the end of the file")
        XCTAssertEqual(syntaxError("  \n "), "2:2: expected a JSON value, found the end of the file")
        XCTAssertEqual(syntaxError("{} x"), "1:4: expected the end of the file after the top-level value, found x")
        XCTAssertEqual(syntaxError(#"{"a": [1"#), "1:9 a: expected ',' or ']' after array element, found the end of the file")
    }

    func testStringErrors() {
        XCTAssertEqual(syntaxError(#"["abc"#),
                       "1:6 [0]: expected '\"' to end the string that starts at line 1, column 2, found the end of the file")
        XCTAssertEqual(syntaxError("[\"ab\ncd\"]"),
                       "1:5 [0]: expected '\"' to end the string that starts at line 1, column 2, found a line break (write \\n inside a string)")
        XCTAssertEqual(syntaxError("[\"a\u{01}\"]"),
                       "1:4 [0]: expected '\"' to end the string that starts at line 1, column 2, found the control character U+0001")
        XCTAssertEqual(syntaxError(#"["\x"]"#),
                       #"1:4 [0]: expected an escape (\" \\ \/ \b \f \n \r \t or \uXXXX) after '\', found x"#)
        XCTAssertEqual(syntaxError(#"["\u12G4"]"#), "1:7 [0]: expected 4 hexadecimal digits after '\\u', found G4")
        XCTAssertEqual(syntaxError(#"["ab\ud83dx"]"#),
                       #"1:11 [0]: expected a \uDC00–\uDFFF escape to complete the surrogate pair \uD83D, found x"#)
        XCTAssertEqual(syntaxError(#"["\ud83d\u0041"]"#),
                       #"1:9 [0]: expected a \uDC00–\uDFFF escape to complete the surrogate pair \uD83D, found \u0041"#)
        XCTAssertEqual(syntaxError(#"["é\ude00"]"#),
                       #"1:4 [0]: expected a character escape, found the unpaired low surrogate \uDE00"#)
    }

    func testEncodingErrors() {
        XCTAssertEqual(syntaxError(Data([0x5B, 0x22, 0x61, 0xFF, 0x22, 0x5D])),
                       "1:4 [0]: expected UTF-8 text, found the byte 0xFF")
        // An overlong encoding of "/" and a UTF-8-encoded surrogate are not UTF-8 either.
        XCTAssertEqual(syntaxError(Data([0x5B, 0x22, 0xC0, 0xAF, 0x22, 0x5D])),
                       "1:3 [0]: expected UTF-8 text, found the byte 0xC0")
        XCTAssertEqual(syntaxError(Data([0x5B, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x5D])),
                       "1:3 [0]: expected UTF-8 text, found the byte 0xED")
        XCTAssertEqual(syntaxError(Data([0xFF, 0xFE, 0x7B, 0x00])),
                       "1:1: expected UTF-8 text, found a UTF-16 byte-order mark (save the manifest as UTF-8)")
        XCTAssertEqual(syntaxError("[é]"), "1:2 [0]: expected a value or ']' after '[', found 'é' (U+00E9)")
    }

    func testNumberErrors() {
        XCTAssertEqual(syntaxError("[01]"), "1:3 [0]: expected a number without leading zeros, found 01")
        XCTAssertEqual(syntaxError("[-]"), "1:3 [0]: expected a digit after '-', found ']'")
        XCTAssertEqual(syntaxError("[1.]"), "1:4 [0]: expected a digit after the decimal point, found ']'")
        XCTAssertEqual(syntaxError("[1e+]"), "1:5 [0]: expected a digit in the exponent, found ']'")
        XCTAssertEqual(syntaxError("[.5]"), "1:2 [0]: expected a value or ']' after '[', found '.'")
    }

    func testNestingIsBounded() throws {
        let deep = String(repeating: "[", count: JSONParser.maximumDepth + 1)
        XCTAssertTrue(syntaxError(deep).hasSuffix(
            "expected at most \(JSONParser.maximumDepth) nested arrays and objects, found more"))
        let allowed = String(repeating: "[", count: JSONParser.maximumDepth)
            + String(repeating: "]", count: JSONParser.maximumDepth)
        XCTAssertNoThrow(try parse(allowed))
    }

    func testPathsPrintLikeAProducerReadsThem() {
        XCTAssertEqual(JSONPath.root.description, "")
        XCTAssertEqual((JSONPath.root + "clips" + 2 + "out").description, "clips[2].out")
        XCTAssertEqual((JSONPath.root + "outputs" + 0 + "sequence" + 1).description, "outputs[0].sequence[1]")
        XCTAssertEqual((JSONPath.root + "a b" + "c.d" + "").description, #"["a b"]["c.d"][""]"#)
    }
}
