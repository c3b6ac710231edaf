/// How each ``CellStyle`` looks in colour: foreground, background and attributes. The curses terminal turns it
/// into colour pairs; without colours (or with `NO_COLOR`) it uses its fixed monochrome attributes instead.
/// The config file's `"colors"` object changes it style by style (see ``Configuration``).
public struct Theme: Sendable, Equatable {
    /// A terminal colour: the terminal's default, one of the eight basic colours, a bright one (8–15), or any of
    /// the 256 by number.
    public enum Color: Sendable, Equatable {
        case terminalDefault
        case index(Int)

        static let names = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]

        /// Parses `"default"`, `"red"`, `"bright-red"` (or `"brightred"`), or `"0"`…`"255"`.
        public init?(name: String) {
            let lower = name.lowercased()
            if lower == "default" {
                self = .terminalDefault
            } else if let i = Color.names.firstIndex(of: lower) {
                self = .index(i)
            } else if lower.hasPrefix("bright"), let i = Color.names.firstIndex(of: String(
                lower.dropFirst("bright".count).drop { $0 == "-" || $0 == "_" || $0 == " " })) {
                self = .index(8 + i)
            } else if let n = Int(lower), (0...255).contains(n) {
                self = .index(n)
            } else {
                return nil
            }
        }

        /// The curses colour number (-1 for the default).
        public var number: Int {
            switch self {
            case .terminalDefault: return -1
            case .index(let n): return n
            }
        }
    }

    /// Text attributes.
    public struct Attributes: OptionSet, Sendable, Hashable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let bold = Attributes(rawValue: 1)
        public static let dim = Attributes(rawValue: 2)
        public static let reverse = Attributes(rawValue: 4)
        public static let underline = Attributes(rawValue: 8)

        static let names: [(String, Attributes)] = [
            ("bold", .bold), ("dim", .dim), ("reverse", .reverse), ("underline", .underline),
        ]
    }

    /// The look of one style.
    public struct Look: Sendable, Equatable {
        public var foreground: Color
        public var background: Color
        public var attributes: Attributes

        public init(_ foreground: Color, _ background: Color = .terminalDefault, _ attributes: Attributes = []) {
            self.foreground = foreground
            self.background = background
            self.attributes = attributes
        }
    }

    private var looks: [Look]

    /// The look of a style.
    public subscript(style: CellStyle) -> Look {
        get { looks[Int(style.rawValue)] }
        set { looks[Int(style.rawValue)] = newValue }
    }

    /// The config file's name of a style (`"key-hint"` for ``CellStyle/keyHint``).
    public static func name(of style: CellStyle) -> String {
        switch style {
        case .keyHint: return "key-hint"
        case .focusBorder: return "focus-border"
        default: return String(describing: style)
        }
    }

    /// The style a config name stands for.
    public static func style(named name: String) -> CellStyle? {
        CellStyle.allCases.first { Theme.name(of: $0) == name.lowercased() }
    }

    /// The built-in colours.
    public static let standard: Theme = {
        let black = Color.index(0), red = Color.index(1), green = Color.index(2), yellow = Color.index(3)
        let blue = Color.index(4), magenta = Color.index(5), cyan = Color.index(6), white = Color.index(7)
        var looks: [Look] = []
        for style in CellStyle.allCases {
            switch style {
            case .normal: looks.append(Look(.terminalDefault))
            case .header: looks.append(Look(cyan, .terminalDefault, .bold))
            case .selected: looks.append(Look(white, blue))
            case .cursor: looks.append(Look(black, cyan, .bold))
            case .pending: looks.append(Look(yellow, .terminalDefault, .bold))
            case .error: looks.append(Look(white, red, .bold))
            case .dim: looks.append(Look(.terminalDefault, .terminalDefault, .dim))
            case .title: looks.append(Look(black, cyan, .bold))
            case .border: looks.append(Look(blue))
            case .keyHint: looks.append(Look(black, white))
            case .number: looks.append(Look(green))
            case .null: looks.append(Look(magenta, .terminalDefault, .dim))
            case .focusBorder: looks.append(Look(cyan, .terminalDefault, .bold))
            case .match: looks.append(Look(black, yellow, .underline))
            }
        }
        return Theme(looks: looks)
    }()
}
