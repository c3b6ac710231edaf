#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CCursesShim
import CNcursesw
import LineDBBrowser

/// The real terminal, through ncurses: the only Swift file that calls curses.
///
/// ```swift
/// let terminal = try CursesTerminal.start()   // throws when TERM is unknown
/// defer { terminal.stop() }
/// _ = try BrowserApp(database: db).run(on: terminal)
/// ```
///
/// The terminal is restored on every exit path: ``stop()`` (also from `atexit`), and the C shim's signal
/// handlers for SIGTERM, SIGHUP, SIGQUIT and crashes, which restore, then let the signal end the process. SIGINT
/// (`kill -INT`) is reported as `.control("c")`, like the Ctrl-C key, so the browser can ask before quitting.
/// Input is in raw mode: Ctrl-C, Ctrl-S, Ctrl-Q and Ctrl-Z arrive as keys, not as signals or flow control.
///
/// Every call is made on the thread that created it.
final class CursesTerminal: Terminal {
    /// Why the terminal could not be started.
    struct Unavailable: Error, CustomStringConvertible {
        var description: String
    }

    private let window: UnsafeMutablePointer<WINDOW>
    private var styles: StyleTable
    /// Whether ``stop()`` ran.
    private var stopped = false
    /// The last grid copied to curses: an identical frame (the event loop redraws after every idle tick) is skipped.
    private var lastDrawn: ScreenGrid?
    /// The frames drawn, written where `LINEDB_FRAME_FILE` says (for the end-to-end tests).
    private var frames = FrameCounter()

    private init(window: UnsafeMutablePointer<WINDOW>, styles: StyleTable) {
        self.window = window
        self.styles = styles
    }

    /// Sets the locale, installs the restoring signal handlers and starts curses on standard input and output.
    ///
    /// - Throws: ``Unavailable`` when `TERM` is unset or unknown (nothing was drawn; the message says so).
    static func start() throws -> CursesTerminal {
        ccs_set_locale()
        ccs_install_handlers()
        let term = getenv("TERM").map { String(cString: $0) } ?? ""
        switch ccs_start() {
        case Int32(CCS_STARTED): break
        case Int32(CCS_UNKNOWN_TERMINAL):
            throw Unavailable(description: term.isEmpty
                ? "TERM is not set, so the terminal is unknown"
                : "unknown terminal type TERM=\(term) (no terminfo entry for it)")
        default:
            throw Unavailable(description: "cannot start the terminal (TERM=\(term))")
        }
        guard let screen = ccs_stdscr() else {
            ccs_restore()
            throw Unavailable(description: "cannot start the terminal (TERM=\(term)): no screen")
        }
        let window = screen.assumingMemoryBound(to: WINDOW.self)
        raw()
        noecho()
        nonl()
        keypad(window, true)
        set_escdelay(25)
        curs_set(0)
        let terminal = CursesTerminal(window: window, styles: StyleTable.make())
        return terminal
    }

    /// Ends curses and puts the terminal back as it was (idempotent; the shim's restore also runs at exit).
    func stop() {
        guard !stopped else { return }
        stopped = true
        ccs_restore()
    }

    deinit { stop() }

    // MARK: - Terminal

    var size: (rows: Int, columns: Int) {
        (Int(getmaxy(window)), Int(getmaxx(window)))
    }

    func draw(_ grid: ScreenGrid) {
        if grid == lastDrawn { return }
        lastDrawn = grid
        let rows = min(grid.rows, Int(getmaxy(window)))
        let columns = min(grid.columns, Int(getmaxx(window)))
        var buffer: [wchar_t] = []
        buffer.reserveCapacity(8)
        var current: CellStyle? = nil
        for row in 0..<rows {
            for column in 0..<columns {
                let cell = grid[row, column]
                if cell.isContinuation { continue }
                if cell.style != current {
                    current = cell.style
                    let look = styles[cell.style]
                    wattr_set(window, look.attributes, look.pair, nil)
                }
                buffer.removeAll(keepingCapacity: true)
                for scalar in cell.text.unicodeScalars { buffer.append(wchar_t(bitPattern: scalar.value)) }
                if buffer.isEmpty { buffer.append(32) }
                // Positioned per cell: if the terminal's idea of a character's width differs from ours, only that
                // cell is off, never the rest of the row. (Writing the bottom-right cell returns ERR; it is drawn.)
                _ = mvwaddnwstr(window, Int32(row), Int32(column), buffer, Int32(buffer.count))
            }
        }
        wattr_set(window, styles[.normal].attributes, styles[.normal].pair, nil)
        wnoutrefresh(window)
        doupdate()
        frames.completed()
    }

    /// Leaves curses mode (the shell's terminal settings, the normal screen) while `body` runs — an editor, say —
    /// then returns to it and repaints everything. A Ctrl-C typed meanwhile was the editor's (the terminal sends
    /// SIGINT to the whole foreground group): it is forgotten, not taken as a quit.
    func suspend<T>(_ body: () throws -> T) rethrows -> T {
        if mouseOn { ccs_mouse(0) }  // the editor gets the terminal as the shell had it
        def_prog_mode()
        endwin()
        defer {
            _ = ccs_take_interrupt()
            reset_prog_mode()
            if mouseOn { ccs_mouse(1) }
            lastDrawn = nil
            clearok(window, true)
            wrefresh(window)
        }
        return try body()
    }

    /// Colours from the browser's config: the style table is rebuilt and everything repainted.
    func apply(_ theme: Theme) {
        styles = StyleTable.make(theme: theme)
        lastDrawn = nil
        clearok(window, true)
    }

    /// OSC 52 straight to the terminal, between frames (curses has flushed its output at the last refresh): the
    /// sequence moves no cursor and draws nothing.
    func copyToClipboard(_ text: String) {
        let bytes = Clipboard.osc52(text)
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { Glibc.write(STDOUT_FILENO, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            written += n
        }
    }

    /// Whether clicks and the wheel are reported (the config file's `"mouse"`).
    private var mouseOn = false

    func reportMouse(_ on: Bool) {
        mouseOn = on
        ccs_mouse(on ? 1 : 0)
    }

    /// The event a KEY_MOUSE announced, or `nil` for one the browser does not use.
    private func readMouse() -> Key? {
        var row: Int32 = 0, column: Int32 = 0, button: Int32 = 0
        let kind: MouseEvent.Kind
        switch Int(ccs_mouse_read(&row, &column, &button)) {
        case Int(CCS_MOUSE_PRESS): kind = .press(button: Int(button))
        case Int(CCS_MOUSE_RELEASE): kind = .release
        case Int(CCS_MOUSE_WHEEL_UP): kind = .wheelUp
        case Int(CCS_MOUSE_WHEEL_DOWN): kind = .wheelDown
        default: return nil
        }
        return .mouse(MouseEvent(kind, row: Int(row), column: Int(column)))
    }

    func pendingTermination() -> Int32? {
        let signal = ccs_ending_signal()
        return signal == 0 ? nil : signal
    }

    /// What `wget_wch` gave, or an interrupt seen while waiting.
    private enum Input {
        case character(UInt32), code(Int32), interrupt
    }

    /// Input read from curses but not used yet: what followed an ESC that turned out not to start a sequence.
    private var unread: [Input] = []

    func nextKey(timeoutMilliseconds: Int) -> Key? {
        if ccs_take_interrupt() { return .control("c") }
        if ccs_ending_signal() != 0 { return nil }
        var timeout = timeoutMilliseconds
        while true {
            guard let input = nextInput(timeoutMilliseconds: timeout) else { return nil }
            switch input {
            case .interrupt: return .control("c")
            case .code(let code):
                if code == KEY_MOUSE {
                    if let key = readMouse() { return key }
                    timeout = 0  // an event the browser does not use: look for a key after it, no wait
                    continue
                }
                let key = Self.key(forCode: code)
                if key == .resize {
                    // Repaint everything at the new size (tmux may leave parts of the old frame otherwise).
                    lastDrawn = nil
                    clearok(window, true)
                }
                return key
            case .character(27):
                if let key = escapeSequence() { return key }
                timeout = 0  // a sequence that means nothing was swallowed: look for a key after it, no wait
            case .character(let value): return Self.key(forCharacter: value)
            }
        }
    }

    /// Reads what follows an ESC and decodes it (``EscapeSequence``, whatever terminfo lists): a key, a bare Esc
    /// (what came after it is read next, as itself), or `nil` for a sequence swallowed whole.
    private func escapeSequence() -> Key? {
        var buffer: [UInt32] = []
        var atEnd = false
        while true {
            switch EscapeSequence.decode(buffer, atEnd: atEnd) {
            case .key(let key, let length):
                unread.insert(contentsOf: buffer[length...].map(Input.character), at: 0)
                return key
            case .needMore:
                // No wait for the first character: ncurses already waited ESCDELAY after the ESC, so a bare Esc
                // stays prompt. A sequence split across reads gets a little time for its rest.
                switch nextInput(timeoutMilliseconds: buffer.isEmpty ? 0 : 50) {
                case .character(let value)?: buffer.append(value)
                case let other?:
                    unread.insert(other, at: 0)
                    atEnd = true
                case nil: atEnd = true
                }
            }
        }
    }

    /// The next input: first what was read and not used, then curses', waiting up to `timeoutMilliseconds`
    /// (for ever when negative) in slices, so that an interrupt (kill -INT) is seen within 100 ms even if the read
    /// is restarted. `nil` when nothing came, or a terminating signal did.
    private func nextInput(timeoutMilliseconds: Int) -> Input? {
        if !unread.isEmpty { return unread.removeFirst() }
        var remaining = timeoutMilliseconds
        while true {
            let slice = remaining < 0 ? 100 : min(remaining, 100)
            wtimeout(window, Int32(slice))
            var character: wint_t = 0
            let result = wget_wch(window, &character)
            if ccs_take_interrupt() { return .interrupt }
            if ccs_ending_signal() != 0 { return nil }
            if result == KEY_CODE_YES { return .code(Int32(character)) }
            if result == OK { return .character(UInt32(character)) }
            if remaining >= 0 {
                remaining -= slice
                if remaining <= 0 { return nil }
            }
        }
    }

    /// A function key or other key code from `wget_wch` (`KEY_CODE_YES`).
    static func key(forCode code: Int32) -> Key {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_ENTER: return .enter
        case KEY_BTAB: return .backTab
        case KEY_BACKSPACE: return .backspace
        case KEY_DC: return .delete
        case KEY_IC: return .insert
        case KEY_RESIZE: return .resize
        case KEY_F0 + 1...KEY_F0 + 63: return .function(Int(code - KEY_F0))
        // Shifted keys and the keypad's corners, as terminfo may name them.
        case KEY_SR: return .up
        case KEY_SF: return .down
        case KEY_SLEFT: return .left
        case KEY_SRIGHT: return .right
        case KEY_SHOME, KEY_A1, KEY_FIND: return .home  // xterm-r6 sends Find for ESC [1~ …
        case KEY_SEND, KEY_C1, KEY_SELECT: return .end  // … and Select for ESC [4~
        case KEY_SPREVIOUS, KEY_A3: return .pageUp
        case KEY_SNEXT, KEY_C3: return .pageDown
        case KEY_SDC: return .delete
        case KEY_SIC: return .insert
        default:
            // Keys with modifiers that terminfo lists as extended capabilities (`kEND5` for Ctrl-End).
            if let name = keyname(code).map({ String(cString: $0) }), let key = EscapeSequence.key(capability: name) {
                return key
            }
            return .unknown(code)
        }
    }

    /// A character from `wget_wch` (`OK`): control characters become keys, the rest `.character`.
    static func key(forCharacter value: UInt32) -> Key {
        switch value {
        case 27: return .escape
        case 9: return .tab
        case 10, 13: return .enter
        case 8, 127: return .backspace
        case 1...26:
            return .control(Character(Unicode.Scalar(UInt8(value) + 96)))  // 1 → "a"
        case 0..<32: return .unknown(Int32(value))
        default:
            guard let scalar = Unicode.Scalar(value) else { return .unknown(Int32(bitPattern: value)) }
            return .character(Character(scalar))
        }
    }
}

/// How each ``CellStyle`` looks: a colour pair and attributes, or (without colours, or with `NO_COLOR` set) only
/// bold / reverse / dim / underline.
struct StyleTable {
    struct Look {
        var pair: Int16
        var attributes: attr_t
    }

    private var looks: [Look]

    subscript(style: CellStyle) -> Look { looks[Int(style.rawValue)] }

    /// Starts colours when the terminal has them and `NO_COLOR` is not set, and builds the table: with colours,
    /// `theme`'s (LineDBBrowser's ``Theme``, which the config file can change); without, fixed monochrome
    /// attributes.
    static func make(theme: Theme = .standard) -> StyleTable {
        let noColor = getenv("NO_COLOR").map { $0.pointee != 0 } ?? false
        var useColor = false
        if !noColor && has_colors() {
            useColor = start_color() == OK
            if useColor { _ = use_default_colors() }
        }
        let bold = attr_t(ccs_attr_bold()), reverse = attr_t(ccs_attr_reverse())
        let dim = attr_t(ccs_attr_dim()), underline = attr_t(ccs_attr_underline())
        /// A colour the terminal has: a bright or 256-colour one falls back to its basic colour on 8 colours.
        let available = max(8, Int(tigetnum("colors")))
        func color(_ c: Theme.Color) -> Int16 {
            let n = c.number
            return Int16(n < 0 ? -1 : n < available ? n : n % 8)
        }
        var looks: [Look] = []
        for style in CellStyle.allCases {
            let pair = Int16(style.rawValue) + 1
            let look = theme[style]
            var colorAttributes: attr_t = 0
            if look.attributes.contains(.bold) { colorAttributes |= bold }
            if look.attributes.contains(.dim) { colorAttributes |= dim }
            if look.attributes.contains(.reverse) { colorAttributes |= reverse }
            if look.attributes.contains(.underline) { colorAttributes |= underline }
            let monoAttributes: attr_t = {
                switch style {
                case .normal: return 0
                case .header: return bold | underline
                case .selected: return reverse
                case .cursor: return reverse | bold
                case .pending: return bold | underline
                case .error: return reverse | bold
                case .dim: return dim
                case .title: return reverse | bold
                case .border: return dim
                case .keyHint: return reverse
                case .number: return 0
                case .null: return dim
                case .focusBorder: return bold
                case .match: return underline | bold
                }
            }()
            let isDefault = look.foreground == .terminalDefault && look.background == .terminalDefault
            if useColor && !(style == .normal && isDefault) {
                _ = init_pair(pair, color(look.foreground), color(look.background))
                looks.append(Look(pair: pair, attributes: colorAttributes))
            } else {
                looks.append(Look(pair: 0, attributes: useColor ? colorAttributes : monoAttributes))
            }
        }
        return StyleTable(looks: looks)
    }
}
