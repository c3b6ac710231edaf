/// Which ``Action`` each key does in the panes. ``standard`` is the built-in map; the config file's `"keys"`
/// object adds to it or changes it key by key (see ``Configuration``).
public struct KeyMap: Sendable, Equatable {
    public private(set) var bindings: [Key: Action]

    public init(_ bindings: [Key: Action]) {
        self.bindings = bindings
    }

    /// The action of `key`, if it has one.
    public subscript(key: Key) -> Action? { bindings[key] }

    /// Binds `key` to `action`, or unbinds it (`nil`).
    public mutating func bind(_ key: Key, to action: Action?) {
        bindings[key] = action
    }

    /// The keys bound to `action`, in a stable order: the standard keys first, as the help lists them.
    public func keys(for action: Action) -> [Key] {
        bindings.filter { $0.value == action }.map(\.key).sorted { a, b in
            let (ra, rb) = (KeyMap.standardOrder[a] ?? Int.max, KeyMap.standardOrder[b] ?? Int.max)
            return ra != rb ? ra < rb : KeyName.describe(a) < KeyName.describe(b)
        }
    }

    /// The keys of `action` as the help and the key-hint line show them ("j ↓"), or "(unbound)".
    public func names(for action: Action, limit: Int = 3) -> String {
        let keys = keys(for: action)
        return keys.isEmpty ? "(none)" : keys.prefix(limit).map(KeyName.symbol).joined(separator: " ")
    }

    /// The built-in bindings.
    public static let standard: KeyMap = KeyMap(Dictionary(standardList.map { ($0.0, $0.1) }) { a, _ in a })

    private static let standardList: [(Key, Action)] = [
        (.character("k"), .up), (.up, .up), (.character("j"), .down), (.down, .down),
        (.character("h"), .left), (.left, .left), (.character("l"), .right), (.right, .right),
        (.pageUp, .pageUp), (.pageDown, .pageDown),
        (.character("g"), .firstRow), (.home, .firstRow), (.character("G"), .lastRow), (.end, .lastRow),
        (.character("0"), .firstColumn), (.character("$"), .lastColumn),
        (.tab, .nextPane), (.backTab, .previousPane), (.enter, .open),
        (.character("T"), .toggleTables), (.character("S"), .toggleSchema), (.character("W"), .toggleWAL),
        (.character("/"), .search), (.character("n"), .nextMatch), (.character("N"), .previousMatch),
        (.escape, .cancel),
        (.character("f"), .filter), (.backspace, .removeLastFilter), (.control("f"), .clearFilter),
        (.character("F"), .frequency), (.character("I"), .describe), (.character(":"), .query),
        (.character("["), .sortAscending), (.character("]"), .sortDescending),
        (.character("e"), .edit), (.character("E"), .editRecord), (.character("a"), .add),
        (.character("d"), .delete), (.character("u"), .undo), (.control("r"), .redo),
        (.character("p"), .preview), (.character("D"), .discard),
        (.character("s"), .save), (.control("s"), .save), (.character("c"), .checkpoint), (.character("x"), .export),
        (.character(" "), .palette),
        (.character("?"), .help), (.character("q"), .quit), (.control("c"), .quit),
        (.control("p"), .messages),
        (.delete, .setNull), (.character("w"), .takeOver), (.character("A"), .duplicate),
        (.character("y"), .copyCell), (.character("Y"), .copyRecord), (.character("P"), .paste),
        (.character("v"), .recordView), (.character("J"), .nextRecord), (.character("K"), .previousRecord),
        (.character("-"), .hideColumn), (.character("+"), .showColumns), (.character("_"), .fitColumn),
        (.character("<"), .narrowColumn), (.character(">"), .widenColumn),
        (.character("H"), .moveColumnLeft), (.character("L"), .moveColumnRight),
        (.character("{"), .sortAddAscending), (.character("}"), .sortAddDescending),
        (.character("\\"), .naturalOrder),
        (.character("#"), .goToRow), (.character("@"), .goToKey),
        (.control("d"), .halfPageDown), (.control("u"), .halfPageUp),
        (.character("t"), .toggleSelect), (.character("*"), .selectMatching), (.character("~"), .invertSelection),
        (.character("U"), .clearSelection), (.character("b"), .setSelected),
        (.character("r"), .recordHistory),
        (.character(","), .asOfPrevious), (.character("."), .asOfNext), (.character("="), .asOfDiff),
    ]

    private static let standardOrder: [Key: Int] = Dictionary(
        standardList.enumerated().map { ($0.element.0, $0.offset) }) { a, _ in a }
}

/// Key names as the config file writes them, and as the help shows them.
///
/// A printable character stands for itself (`"j"`, `"J"`, `"/"`, `"é"`); named keys are `space`, `enter`, `tab`,
/// `shift-tab`, `esc`, `backspace`, `delete`, `insert`, `up`, `down`, `left`, `right`, `pgup`, `pgdn`, `home`,
/// `end`, `f1`…`f63`, and `ctrl-a`…`ctrl-z` (names ignore case; `page-up`, `page-down`, `escape`, `return`,
/// `backtab`, `ins` and `c-x` are accepted too).
public enum KeyName {
    private static let named: [String: Key] = [
        "space": .character(" "), "enter": .enter, "return": .enter, "tab": .tab, "shift-tab": .backTab,
        "backtab": .backTab, "esc": .escape, "escape": .escape, "backspace": .backspace, "delete": .delete,
        "del": .delete, "up": .up, "down": .down, "left": .left, "right": .right, "pgup": .pageUp,
        "page-up": .pageUp, "pageup": .pageUp, "pgdn": .pageDown, "page-down": .pageDown, "pagedown": .pageDown,
        "home": .home, "end": .end, "insert": .insert, "ins": .insert,
    ]

    /// The key a name stands for, or `nil` when it names none.
    public static func parse(_ name: String) -> Key? {
        if name.count == 1, let c = name.first, !c.isWhitespace || c == " " {
            return c.unicodeScalars.allSatisfy({ $0.value >= 32 && $0.value != 127 }) ? .character(c) : nil
        }
        let lower = name.lowercased()
        if let key = named[lower] { return key }
        for prefix in ["ctrl-", "ctrl+", "c-", "^"] where lower.hasPrefix(prefix) {
            let rest = lower.dropFirst(prefix.count)
            guard rest.count == 1, let c = rest.first, ("a"..."z").contains(c) else { return nil }
            return .control(c)
        }
        if lower.hasPrefix("f"), let n = Int(lower.dropFirst()), (1...63).contains(n) { return .function(n) }
        return nil
    }

    /// The config file's name of a key (`parse(describe(k)) == k`).
    public static func describe(_ key: Key) -> String {
        switch key {
        case .character(" "): return "space"
        case .character(let c): return String(c)
        case .up: return "up"
        case .down: return "down"
        case .left: return "left"
        case .right: return "right"
        case .pageUp: return "pgup"
        case .pageDown: return "pgdn"
        case .home: return "home"
        case .end: return "end"
        case .enter: return "enter"
        case .tab: return "tab"
        case .backTab: return "shift-tab"
        case .backspace: return "backspace"
        case .delete: return "delete"
        case .insert: return "insert"
        case .escape: return "esc"
        case .control(let c): return "ctrl-\(c)"
        case .function(let n): return "f\(n)"
        case .resize: return "resize"
        case .mouse: return "mouse"
        case .unknown(let code): return "code \(code)"
        }
    }

    /// A short name for the help and the key-hint line: arrows as ↑↓←→, `Ctrl-R`, `PgUp`, `Esc`.
    public static func symbol(_ key: Key) -> String {
        switch key {
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .home: return "Home"
        case .end: return "End"
        case .enter: return "Enter"
        case .tab: return "Tab"
        case .backTab: return "S-Tab"
        case .backspace: return "Bksp"
        case .delete: return "Del"
        case .insert: return "Ins"
        case .escape: return "Esc"
        case .control(let c): return "Ctrl-\(c.uppercased())"
        case .function(let n): return "F\(n)"
        default: return describe(key)
        }
    }
}
