import LineDB
import LineDBBrowser

#if canImport(Glibc)
import Glibc
#endif

/// `--layout`: the keys of issue 14 section A on a 1M-row table (in memory, no files), each handled and drawn as
/// the app does (handle, scroll to the cursor, render): the schema pane toggled at 80x24, Tab, the recent messages
/// (Ctrl-P), the help and its scrolling, a move with a long message wrapped in the status area.
enum LayoutBench {
    /// A table of `count` rows built in memory: the state reads it as it reads a database.
    struct Source: BrowserDataSource {
        let data: TableData

        init(count: Int) throws {
            let schema = try TableSchema("big", columns: [
                Column("id", .int, primaryKey: true), Column("name", .str, nullable: false),
                Column("email", .str, unique: true), Column("gpa", .float, default: 0.0), Column("born", .date),
            ])
            var rows: [[JSONValue]] = []
            rows.reserveCapacity(count)
            for i in 0..<count {
                let born: JSONValue = i % 3 == 0 ? .null : .string("2001-02-0\(i % 9 + 1)")
                let gpa: JSONValue = .double(Double(i % 40) / 10)
                let row: [JSONValue] = [.int(i + 1), .string("name \(i % 977) 李雷"), .string("s\(i)@uni.edu"),
                                        gpa, born]
                rows.append(row)
            }
            data = TableData(schema: schema, rows: rows, nextAutoKey: count + 1)
        }

        func tableSummaries() -> [TableSummary] {
            [TableSummary(name: "big", count: data.rows.count, keyColumn: "id", schema: data.schema)]
        }

        func loadTable(_ name: String) throws -> TableData { data }
    }

    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    /// Runs the measurements and exits.
    static func run(records: Int) -> Never {
        do {
            let start = now()
            let source = try Source(count: records)
            print("layout keys on \(records) rows (table built in \(fixed(now() - start, 1)) s); "
                + "each key: handle + scroll + render, 200 times; median / max in ms")
            for (rows, columns) in [(24, 80), (40, 120), (60, 200)] {
                var state = BrowserState(databaseName: "bench", isReadOnly: false, context: source)
                state.viewport = (rows, columns)
                _ = state.handle(.enter, context: source)
                func press(_ key: Key) {
                    _ = state.handle(key, context: source)
                    state.scrollToCursor()
                    _ = Renderer.render(state)
                }
                let cases: [(String, [Key])] = [
                    ("j (move)", [.character("j")]),
                    ("S S (schema shown, hidden)", [.character("S"), .character("S")]),
                    ("Tab", [.tab]),
                    ("Ctrl-P Esc (messages)", [.control("p"), .escape]),
                    ("? PgDn Esc (help, scrolled)", [.character("?"), .pageDown, .escape]),
                    ("e in the tables pane (long refusal) then j", [.backTab, .character("e"), .tab, .character("j")]),
                ]
                print("\(columns)x\(rows):")
                for (label, keys) in cases {
                    var times: [Double] = []
                    for _ in 0..<200 {
                        for key in keys {
                            let t = now()
                            press(key)
                            times.append((now() - t) * 1000)
                        }
                    }
                    times.sort()
                    print("  \(pad(label, 44)) median \(right(fixed(times[times.count / 2], 3), 8))   "
                        + "max \(right(fixed(times.last!, 3), 8))")
                }
            }
        } catch {
            print("linedb-bench --layout: \(error)")
            exit(1)
        }
        exit(0)
    }
}
