import Foundation
import RGCore

/// A brand colour and what WCAG 2.x says of text on it.
public struct Swatch: Sendable, Equatable {
    public var role: String
    public var hex: String
}

/// Contrast of one colour as text on another, with WCAG AA's verdict for normal text (4.5:1) and large text (3:1).
public struct ContrastCheck: Sendable, Equatable {
    public var text: String
    public var background: String
    public var ratio: Double
    public var passesAA: Bool { ratio >= 4.5 }
    public var passesAALarge: Bool { ratio >= 3 }
}

public enum Palette {
    /// The tenant's colours in the order people name them: primary, background, accent, then the palette.
    public static func swatches(_ branding: Branding) -> [Swatch] {
        [
            Swatch(role: "primary", hex: branding.primaryColor),
            Swatch(role: "background", hex: branding.backgroundColor),
            Swatch(role: "accent", hex: branding.accentColor),
        ] + branding.palette.enumerated().map { Swatch(role: "palette \($0 + 1)", hex: $1) }
    }

    /// Text on the primary colour (the background colour as text, as on a button) and primary text on the
    /// background. Colours that are not `#RGB` / `#RRGGBB` are left out (the config check refuses them anyway).
    public static func checks(_ branding: Branding) -> [ContrastCheck] {
        [(branding.backgroundColor, branding.primaryColor), (branding.primaryColor, branding.backgroundColor)]
            .compactMap { text, background in
                guard let ratio = contrastRatio(text, background) else { return nil }
                return ContrastCheck(text: text, background: background, ratio: ratio)
            }
    }

    /// WCAG 2.x contrast ratio (L1 + 0.05) / (L2 + 0.05), from 1 to 21; nil for a colour that is not hex.
    public static func contrastRatio(_ first: String, _ second: String) -> Double? {
        guard let a = relativeLuminance(first), let b = relativeLuminance(second) else { return nil }
        return (max(a, b) + 0.05) / (min(a, b) + 0.05)
    }

    /// WCAG 2.x relative luminance of an sRGB colour.
    public static func relativeLuminance(_ hex: String) -> Double? {
        guard let (r, g, b) = components(hex) else { return nil }
        func linear(_ channel: Double) -> Double {
            channel <= 0.04045 ? channel / 12.92 : pow((channel + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
    }

    static func components(_ hex: String) -> (Double, Double, Double)? {
        guard hex.hasPrefix("#") else { return nil }
        var digits = Array(hex.dropFirst())
        if digits.count == 3 { digits = digits.flatMap { [$0, $0] } }
        guard digits.count == 6, let value = UInt32(String(digits), radix: 16) else { return nil }
        return (
            Double((value >> 16) & 0xFF) / 255, Double((value >> 8) & 0xFF) / 255, Double(value & 0xFF) / 255
        )
    }
}
