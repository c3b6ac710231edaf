import LineDB

/// The config file as text: what `linedb config --default` prints and `Resources/config/default.json` holds
/// (every key binding and setting at its standard value), and the colour files of the built-in themes
/// (`Resources/themes/NAME.json`). The Swift definitions (``KeyMap/standard``, ``Theme/standard``,
/// ``Theme/light``) are the one source; the resource files are checked against this text by the tests.
extension Configuration {
    /// The built-in themes, by the name the config file's `"theme"` setting gives.
    public static let themes: [(name: String, theme: Theme)] = [("standard", .standard), ("light", .light)]

    /// A config file naming every key binding and setting at its standard value, parsed back to
    /// ``Configuration/standard``: keys grouped by action in the help's order.
    public static func defaultFileText() -> String {
        var lines = ["{", "  \"theme\": \"standard\",", "  \"keys\": {"]
        var bindings: [String] = []
        for action in Action.allCases {
            for key in KeyMap.standard.keys(for: action) {
                bindings.append("    \(quoted(KeyName.describe(key))): \(quoted(action.rawValue))")
            }
        }
        lines.append(bindings.joined(separator: ",\n"))
        lines.append("  }")
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    /// A config file holding a built-in theme and every style's colours (foreground, background, attributes):
    /// parsed, it gives exactly that theme; edited, it is the start of a theme of one's own.
    public static func themeFileText(named name: String, _ theme: Theme) -> String {
        var styles: [String] = []
        for style in CellStyle.allCases {
            let look = theme[style]
            var fields = ["\"fg\": \(quoted(look.foreground.configName))",
                          "\"bg\": \(quoted(look.background.configName))"]
            for (name, attribute) in Theme.Attributes.names where look.attributes.contains(attribute) {
                fields.append("\(quoted(name)): true")
            }
            styles.append("    \(quoted(Theme.name(of: style))): { \(fields.joined(separator: ", ")) }")
        }
        return "{\n  \"theme\": \(quoted(name)),\n  \"colors\": {\n" + styles.joined(separator: ",\n") + "\n  }\n}\n"
    }

    private static func quoted(_ text: String) -> String { JSONWriter.encode(.string(text)) }
}

extension Theme.Color {
    /// The config file's name of the colour (`Theme.Color(name: c.configName) == c`): `default`, `red`,
    /// `bright-red`, or a number from 16 to 255.
    public var configName: String {
        switch self {
        case .terminalDefault: return "default"
        case .index(let n) where n < 8: return Theme.Color.names[n]
        case .index(let n) where n < 16: return "bright-" + Theme.Color.names[n - 8]
        case .index(let n): return String(n)
        }
    }
}

extension Theme {
    /// Colours for a terminal with a light background: no yellow or white text, darker accents.
    public static let light: Theme = {
        let black = Color.index(0), red = Color.index(1), green = Color.index(2)
        let blue = Color.index(4), magenta = Color.index(5), cyan = Color.index(6), white = Color.index(7)
        let gray = Color.index(8)
        var theme = Theme.standard
        for style in CellStyle.allCases {
            switch style {
            case .normal: theme[style] = Look(.terminalDefault)
            case .header: theme[style] = Look(blue, .terminalDefault, .bold)
            case .selected: theme[style] = Look(black, cyan)
            case .cursor: theme[style] = Look(white, blue, .bold)
            case .pending: theme[style] = Look(magenta, .terminalDefault, .bold)
            case .error: theme[style] = Look(white, red, .bold)
            case .dim: theme[style] = Look(gray)
            case .title: theme[style] = Look(white, blue, .bold)
            case .border: theme[style] = Look(gray)
            case .keyHint: theme[style] = Look(white, black)
            case .number: theme[style] = Look(green)
            case .null: theme[style] = Look(gray, .terminalDefault, .dim)
            case .focusBorder: theme[style] = Look(blue, .terminalDefault, .bold)
            case .match: theme[style] = Look(black, Color.index(11), .underline)
            }
        }
        return theme
    }()
}
