/// The type of a plain scalar in YAML 1.2's core schema.
public enum ScalarType: Sendable, Hashable, CustomStringConvertible {
    case string, integer, float, bool, null

    public static func of(plain text: String) -> ScalarType {
        text.utf8.withContiguousStorageIfAvailable(classify) ?? Array(text.utf8).withUnsafeBufferPointer(classify)
    }

    private static func classify(_ bytes: UnsafeBufferPointer<UInt8>) -> ScalarType {
        // Most plain scalars are words: only a few first characters can start a null, bool or number.
        guard let first = bytes.first else { return .null }
        switch first {
        case UInt8(ascii: "~"):
            return bytes.count == 1 ? .null : .string
        case UInt8(ascii: "n"), UInt8(ascii: "N"):
            return bytes.matches("null") || bytes.matches("Null") || bytes.matches("NULL") ? .null : .string
        case UInt8(ascii: "t"), UInt8(ascii: "T"):
            return bytes.matches("true") || bytes.matches("True") || bytes.matches("TRUE") ? .bool : .string
        case UInt8(ascii: "f"), UInt8(ascii: "F"):
            return bytes.matches("false") || bytes.matches("False") || bytes.matches("FALSE") ? .bool : .string
        case UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            break
        default:
            return .string
        }
        // YAML 1.2 core schema: 0o[0-7]+ and 0x[0-9a-fA-F]+ (unsigned), [-+]?[0-9]+, [-+]?(.inf|.Inf|.INF),
        // .nan|.NaN|.NAN, and [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?.
        if bytes.count > 2 && first == UInt8(ascii: "0") {
            if bytes[1] == UInt8(ascii: "x") { return bytes.dropFirst(2).allSatisfy(isHexDigit) ? .integer : .string }
            if bytes[1] == UInt8(ascii: "o") {
                return bytes.dropFirst(2).allSatisfy { (0x30...0x37).contains($0) } ? .integer : .string
            }
        }
        if specialFloats.contains(where: { bytes.matches($0) }) { return .float }
        var index = first == UInt8(ascii: "-") || first == UInt8(ascii: "+") ? 1 : 0
        func digits() -> Int {
            let start = index
            while index < bytes.count && (0x30...0x39).contains(bytes[index]) { index += 1 }
            return index - start
        }
        let whole = digits()
        var fraction = 0
        var dot = false
        if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
            dot = true
            index += 1
            fraction = digits()
        }
        guard whole > 0 || fraction > 0 else { return .string }
        var exponent = false
        if index < bytes.count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
            exponent = true
            index += 1
            if index < bytes.count && (bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+")) {
                index += 1
            }
            guard digits() > 0 else { return .string }
        }
        guard index == bytes.count else { return .string }
        return dot || exponent ? .float : .integer
    }

    private static let specialFloats: [StaticString] = [
        ".inf", ".Inf", ".INF", "-.inf", "-.Inf", "-.INF", "+.inf", "+.Inf", "+.INF", ".nan", ".NaN", ".NAN",
    ]

    static func numberValue(_ text: String) -> Double? {
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default: break
        }
        for (prefix, radix) in [("0x", 16.0), ("0o", 8.0)] where text.hasPrefix(prefix) {
            // Any length: digit by digit in Double, as a YAML loader reading a big hex number would get.
            return text.dropFirst(2).reduce(0.0) { value, digit in value * radix + Double(digit.hexDigitValue ?? 0) }
        }
        return decimal(text)
    }

    /// `Double(text)`, with a fast exact path for the common case: an optional sign, at most 15 digits and at most
    /// one '.', no exponent. Such a mantissa and a power of ten up to 10^15 are both exact doubles, so one division
    /// rounds correctly (Clinger's fast path, as strtod takes it).
    static func decimal(_ text: String) -> Double? {
        let fast: Double?? = text.utf8.withContiguousStorageIfAvailable { bytes -> Double? in
            var index = 0
            var negative = false
            if let sign = bytes.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
                negative = sign == UInt8(ascii: "-")
                index = 1
            }
            var mantissa = 0
            var digits = 0
            var scale = -1
            while index < bytes.count {
                let byte = bytes[index]
                if byte >= 0x30 && byte <= 0x39 {
                    guard digits < 15 else { return nil }  // past the exact range (and before Int could overflow)
                    mantissa = mantissa * 10 + Int(byte - 0x30)
                    digits += 1
                    if scale >= 0 { scale += 1 }
                } else if byte == UInt8(ascii: ".") && scale < 0 {
                    scale = 0
                } else {
                    return nil
                }
                index += 1
            }
            guard digits > 0, scale != 0 else { return nil }
            let value = Double(mantissa) / powersOfTen[max(scale, 0)]
            return negative ? -value : value
        }
        if let fast = fast, let value = fast { return value }
        return Double(text)
    }

    /// 10^0 … 10^15, each exact.
    private static let powersOfTen: [Double] = (0...15).reduce(into: []) { powers, n in
        powers.append(n == 0 ? 1 : powers[n - 1] * 10)
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte)
    }

    public var description: String {
        switch self {
        case .string: "a string"
        case .integer: "an integer"
        case .float: "a number"
        case .bool: "a boolean"
        case .null: "null"
        }
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// Whether these bytes are exactly `literal`'s UTF-8.
    func matches(_ literal: StaticString) -> Bool {
        guard count == literal.utf8CodeUnitCount else { return false }
        let other = UnsafeBufferPointer(start: literal.utf8Start, count: count)
        return elementsEqual(other)
    }
}
