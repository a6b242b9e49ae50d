import Testing

@testable import WorkflowLint

/// The scalar typing and number parsing that every value check goes through, against the standard library's own.
@Suite struct ScalarNumberTests {
    @Test func decimalAgreesWithDoubleOnRandomAndEdgeInputs() {
        var generator = SystemRandomNumberGenerator()
        var inputs = [
            "0", "-0", "+0", "5", "5.", ".5", "-.5", "0.1", "0.2", "0.3", "123456789012345", "1234567890123456",
            "999999999999999.9", "0.000000000000001", "9007199254740993", "1.5e3", "1e", "--1", "1.2.3", "", "-", ".",
            "+", "12a", "٣", "1_000", "123456789012345678901234567890", "-99999999999999999999.5",
            String(repeating: "9", count: 400), "0." + String(repeating: "0", count: 30) + "1",
        ]
        for _ in 0..<5_000 {
            let digits = Int.random(in: 1...40, using: &generator)
            var text = (0..<digits).map { _ in String(Int.random(in: 0...9, using: &generator)) }.joined()
            if Bool.random(using: &generator) {
                text.insert(
                    ".", at: text.index(text.startIndex, offsetBy: Int.random(in: 0...digits, using: &generator)))
            }
            if Bool.random(using: &generator) { text = "-" + text }
            inputs.append(text)
        }
        for text in inputs {
            let expected = Double(text)
            let actual = ScalarType.decimal(text)
            #expect(
                actual?.bitPattern == expected?.bitPattern,
                "\(text): \(String(describing: actual)) vs \(String(describing: expected))")
        }
    }

    @Test(arguments: [
        ("", ScalarType.null), ("~", .null), ("null", .null), ("Null", .null), ("NULL", .null), ("nULL", .string),
        ("nullx", .string), ("~x", .string), ("true", .bool), ("True", .bool), ("TRUE", .bool), ("tRUE", .string),
        ("false", .bool), ("False", .bool), ("FALSE", .bool), ("fals", .string), ("12", .integer), ("-12", .integer),
        ("+12", .integer), ("0x1F", .integer), ("0o17", .integer), ("0x", .string), ("1.5", .float), ("1e5", .float),
        ("1.5e-3", .float), (".inf", .float), ("-.Inf", .float), ("+.inf", .float), (".NaN", .float), (".nan", .float),
        ("-.nan", .string), (".", .string), ("-", .string), ("1.2.3", .string), ("1-2", .string), ("lead", .string),
        ("€5", .string), ("5€", .string), ("1e", .string), ("7E+", .string), (".5e", .string), ("2.1e-", .string),
        ("-0x10", .string), ("+0o7", .string), ("0o9", .string), ("0off", .string), ("0o", .string), ("+.Inf", .float),
        ("+.INF", .float), ("5.", .float), (".5", .float), ("1.e5", .float), ("-5", .integer), ("0o777", .integer),
        ("1_000", .string), ("0b101", .string),
    ])
    func plainScalarsAreTypedAsYAMLsCoreSchemaSays(text: String, type: ScalarType) {
        #expect(ScalarType.of(plain: text) == type)
        // Every number the schema accepts has a value.
        if type == .integer || type == .float { #expect(ScalarType.numberValue(text) != nil, "\(text)") }
    }

    @Test(arguments: [
        ("0x1F", 31.0), ("0o17", 15.0), ("+.Inf", Double.infinity), ("-.INF", -Double.infinity), ("1.e5", 100_000),
        ("5.", 5), (".5", 0.5), ("-0", 0), ("0x" + String(repeating: "F", count: 20), 1.2089258196146292e24),
    ])
    func numberValues(text: String, value: Double) {
        #expect(ScalarType.numberValue(text) == value)
    }
}
