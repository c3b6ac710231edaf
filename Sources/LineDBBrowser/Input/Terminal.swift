/// A place to draw a ``ScreenGrid`` and read ``Key``s from: the real terminal (curses, in the `linedb`
/// executable's terminal module) or ``MemoryTerminal`` in tests.
public protocol Terminal: AnyObject {
    /// The current size in (rows, columns).
    var size: (rows: Int, columns: Int) { get }
    /// Shows `grid` (the terminal may draw only what changed).
    func draw(_ grid: ScreenGrid)
    /// Waits up to `timeoutMilliseconds` for a key; `nil` when none came (the event loop then polls the WAL).
    /// With 0, only looks: the event loop reads every key typed ahead this way before it draws.
    func nextKey(timeoutMilliseconds: Int) -> Key?
    /// Runs `body` with the terminal given back to the shell (for `$EDITOR`), then takes it again and repaints.
    func suspend<T>(_ body: () throws -> T) rethrows -> T
    /// The SIGTERM or SIGHUP that asked the browser to end (it then writes its unsaved changes to a recovery file
    /// and returns ``BrowserApp/Exit/terminated(signal:recoveryFile:)``), or `nil`.
    func pendingTermination() -> Int32?
    /// Uses `theme`'s colours from now on (the browser passes the config file's at start).
    func apply(_ theme: Theme)
    /// Puts `text` on the system clipboard (the real terminal writes ``Clipboard/osc52(_:)``).
    func copyToClipboard(_ text: String)
    /// Turns the reporting of clicks and the wheel (``Key/mouse(_:)``) on or off (the config file's `"mouse"`).
    func reportMouse(_ on: Bool)
}

extension Terminal {
    /// By default, just runs `body` (a terminal with nothing to give back).
    public func suspend<T>(_ body: () throws -> T) rethrows -> T { try body() }

    /// By default, no signal ends the browser through its event loop.
    public func pendingTermination() -> Int32? { nil }

    /// By default, colours are the terminal's business (nothing to do).
    public func apply(_ theme: Theme) {}

    /// By default, there is no clipboard (nothing to do).
    public func copyToClipboard(_ text: String) {}
    /// By default, no mouse (nothing to do).
    public func reportMouse(_ on: Bool) {}
}

/// A terminal in memory: scripted keys in, drawn grids out. For event-loop tests without a terminal.
public final class MemoryTerminal: Terminal {
    public var size: (rows: Int, columns: Int)
    public private(set) var frames: [ScreenGrid] = []
    private var keys: [Key]

    public init(rows: Int, columns: Int, keys: [Key] = []) {
        size = (rows, columns)
        self.keys = keys
    }

    public func draw(_ grid: ScreenGrid) { frames.append(grid) }

    /// The index in `keys` of the next key to give (a queue: a paste of 100,000 keys is read in linear time).
    private var nextIndex = 0

    public func nextKey(timeoutMilliseconds: Int) -> Key? {
        guard nextIndex < keys.count else { return nil }
        defer { nextIndex += 1 }
        return keys[nextIndex]
    }

    /// How many times ``suspend(_:)`` gave the terminal away.
    public private(set) var suspensions = 0

    /// Runs `body` (there is no real terminal to give back) and counts it.
    public func suspend<T>(_ body: () throws -> T) rethrows -> T {
        suspensions += 1
        return try body()
    }

    /// Whether the browser asked for mouse reports (``reportMouse(_:)``).
    public private(set) var mouseReported = false

    public func reportMouse(_ on: Bool) { mouseReported = on }

    /// The theme the browser asked for.
    public private(set) var theme = Theme.standard

    public func apply(_ theme: Theme) { self.theme = theme }

    /// The bytes written for each ``copyToClipboard(_:)``, in order, as the real terminal writes them (OSC 52).
    public private(set) var clipboardWrites: [[UInt8]] = []

    public func copyToClipboard(_ text: String) { clipboardWrites.append(Clipboard.osc52(text)) }

    /// Queues more keys.
    public func type(_ more: [Key]) { keys += more }

    /// The last frame drawn, as text.
    public var screen: String { frames.last?.text ?? "" }
}
