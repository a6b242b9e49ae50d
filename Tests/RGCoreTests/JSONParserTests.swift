import Foundation
import Testing

@testable import RGCore

@Suite struct JSONParserTests {
    @Test func valuesKeepTheirPositionsInCharacters() throws {
        let root = try JSONParser.parse("{\n  \"naam\": \"Oriëntatie\",\n  \"n\": [1, 2.5e3, true, null]\n}")
        #expect(root["naam"]?.string == "Oriëntatie")
        #expect(root["naam"]?.position == SourcePosition(line: 2, column: 11))
        let elements = try #require(root["n"]?.elements)
        #expect(elements.map(\.position.column) == [9, 12, 19, 25])
        #expect(elements[1].number == 2500)
    }

    @Test func columnsCountCharactersNotBytes() throws {
        let error = #expect(throws: JSONSyntaxError.self) { try JSONParser.parse("{\"€uro\": ✗}") }
        #expect(error?.position == SourcePosition(line: 1, column: 10))
    }

    /// Lines end at LF, CRLF or a lone CR; a byte-order mark takes no column.
    @Test(arguments: ["\n", "\r\n", "\r"])
    func linesEndAtLFCRLFOrALoneCR(_ newline: String) throws {
        let text = ["{", "  \"naam\": \"Oriëntatie\",", "  \"n\": [1,", "    2]", "}"].joined(separator: newline)
        let root = try JSONParser.parse(text)
        #expect(root["naam"]?.position == SourcePosition(line: 2, column: 11))
        #expect(
            root["n"]?.elements?.map(\.position) == [
                SourcePosition(line: 3, column: 9), SourcePosition(line: 4, column: 5),
            ])
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let error = #expect(throws: JSONSyntaxError.self) {
            try JSONParser.parse(bom + Array("[1,\(newline)€, 2]".utf8))
        }
        #expect(error?.position == SourcePosition(line: 2, column: 1))
        let first = #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(bom + Array("[\"ë\" x]".utf8)) }
        #expect(first?.position == SourcePosition(line: 1, column: 6))
    }

    @Test(arguments: [
        ("{\"a\": 1,}", "expected a quoted key", 1, 9),
        ("[1 2]", "expected ',' or ']' after array element", 1, 4),
        ("{\"a\": 1, \"a\": 2}", "duplicate key \"a\" (first at 1:2)", 1, 10),
        ("{\"a\": 01}", "expected ',' or '}' after object member", 1, 8),
        ("\"tab\there\"", "control character in string; escape it", 1, 5),
        ("{\"a\": \"\\ud800\"}", "unpaired surrogate in \\u escape", 1, 14),
        ("", "unexpected end of file, expected a value", 1, 1),
        ("{} x", "unexpected text after the JSON value", 1, 4),
    ])
    func syntaxErrorsSayWhatAndWhere(input: String, message: String, line: Int, column: Int) {
        let error = #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(input) }
        #expect(error?.message == message)
        #expect(error?.position == SourcePosition(line: line, column: column))
    }

    @Test func deepNestingIsRefusedNotOverflowed() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let error = #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(deep) }
        #expect(error?.message == "nesting deeper than 512 levels")
    }

    /// 100,000 keys in one object (a 1 MiB config can hold that many) parse in linear time, and a duplicate is found
    /// both among the first keys and far past them.
    @Test func manyKeysStayLinearAndDuplicatesAreFoundAtAnySize() throws {
        let keys = (0..<100_000).map { "\"k\($0)\": \($0)" }
        let root = try JSONParser.parse("{" + keys.joined(separator: ",") + "}")
        #expect(root.members?.count == 100_000)
        #expect(root["k99999"]?.number == 99_999)

        for (count, repeated) in [(5, 3), (40, 3), (40, 30), (100_000, 77_777)] {
            let text = "{" + (0..<count).map { "\"k\($0)\": 0" }.joined(separator: ",") + ", \"k\(repeated)\": 1}"
            let error = #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(text) }
            #expect(error?.message.hasPrefix("duplicate key \"k\(repeated)\" (first at 1:") == true, "\(count) keys")
        }
    }

    @Test func invalidUTF8IsAnErrorNotACrash() {
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse([0x22, 0xFF, 0xFE, 0x22]) }
    }

    @Test func writerEscapesAndRoundTrips() throws {
        let value = JSONValue.object([
            ("naam", .string("Mr. DJ & Friends \"Live\"\n\u{01}")), ("n", .int(3)),
            ("x", .array([.bool(true), .null, .double(1.5)])),
        ])
        let text = value.serialized()
        #expect(text == #"{"naam":"Mr. DJ & Friends \"Live\"\n\u0001","n":3,"x":[true,null,1.5]}"#)
        #expect(try JSONParser.parse(text).plain == value)
    }
}

@Suite struct SourceLinesTests {
    @Test func quotesLinesOfLFAndCRLFFiles() throws {
        let directory = NSTemporaryDirectory() + "sourcelines-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "a\nbë\nc".write(toFile: directory + "/lf.txt", atomically: true, encoding: .utf8)
        try "a\r\nbë\r\nc".write(toFile: directory + "/crlf.txt", atomically: true, encoding: .utf8)
        let diagnostics = ["lf.txt", "crlf.txt"].map {
            Diagnostic(file: directory + "/" + $0, line: 2, column: 1, severity: .error, rule: "x", message: "m")
        }
        let lines = SourceLines(for: diagnostics)
        for diagnostic in diagnostics {
            #expect(lines.line(diagnostic.file, 2) == "bë")
            #expect(lines.line(diagnostic.file, 3) == "c")
            #expect(lines.line(diagnostic.file, 4) == nil)
        }
        #expect(lines.line(directory + "/missing.txt", 1) == nil)

        try "a\rbë\rc".write(toFile: directory + "/cr.txt", atomically: true, encoding: .utf8)
        let cr = SourceLines(for: [
            Diagnostic(file: directory + "/cr.txt", line: 2, column: 1, severity: .error, rule: "x", message: "m")
        ])
        #expect(cr.line(directory + "/cr.txt", 2) == "bë")
    }
}
