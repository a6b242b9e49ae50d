import RGCore

/// Text made safe inside HTML and Graphviz's HTML-like labels: control characters (and noncharacters) made
/// visible as on a terminal, then `& < > " '` written as references. Graphviz also expands `\N`, `\G`, `\L` in its
/// labels and reads `\\` as one backslash, so for it backslashes are doubled.
enum Markup {
    static func escaped(_ text: String, doublingBackslashes: Bool = false) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for character in TerminalText.escaped(text) {
            switch character {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&#39;"
            case "\\" where doublingBackslashes: output += "\\\\"
            default: output.append(character)
            }
        }
        return output
    }
}
