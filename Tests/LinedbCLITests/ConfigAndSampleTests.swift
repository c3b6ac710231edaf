import Foundation
import LineDB
import Testing

/// `linedb config` (the browser's config file: show, check, print the default and the themes, write one), and the
/// sample CSV in `Resources/samples` that `import --create` reads.
@Suite("linedb config, and Resources/samples")
struct ConfigAndSampleTests {
    static let resources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Resources").path

    /// `linedb config ARGS` with `XDG_CONFIG_HOME` set to `home`.
    private func config(_ home: String, _ args: [String]) throws -> CommandResult {
        try CLI.runProgram("/usr/bin/env", ["XDG_CONFIG_HOME=\(home)", try CLI.binary.get(), "config"] + args,
                           stdin: nil)
    }

    @Test("--default and --theme print what Resources holds, byte for byte")
    func printsTheResources() throws {
        let scratch = Scratch()
        let printed = expectOK(try config(scratch.path, ["--default"]))
        #expect(printed.stdout == (try String(contentsOfFile: Self.resources + "/config/default.json", encoding: .utf8)))
        for theme in ["standard", "light"] {
            let out = expectOK(try config(scratch.path, ["--theme", theme]))
            #expect(out.stdout == (try String(contentsOfFile: Self.resources + "/themes/\(theme).json", encoding: .utf8)))
        }
        let unknown = try config(scratch.path, ["--theme", "dark"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("unknown theme 'dark'") && unknown.stderr.contains("light"))
    }

    @Test("--init writes the default file once, never over an existing one; plain config checks the file")
    func initAndCheck() throws {
        let scratch = Scratch()
        let file = scratch.path + "/linedb/config.json"
        let none = expectOK(try config(scratch.path, []))
        #expect(none.stdout.contains("no file"))
        let wrote = expectOK(try config(scratch.path, ["--init"]))
        #expect(wrote.stdout.contains(file))
        let written = try String(contentsOfFile: file, encoding: .utf8)
        #expect(written == expectOK(try config(scratch.path, ["--default"])).stdout)
        #expect(expectOK(try config(scratch.path, [])).stdout.contains("valid"))

        // A second --init leaves the user's file alone.
        try "{\"keys\": {\"J\": \"page-down\"}}\n".write(toFile: file, atomically: true, encoding: .utf8)
        let again = try config(scratch.path, ["--init"])
        #expect(again.status == 1)
        #expect(again.stderr.contains("already exists"))
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "{\"keys\": {\"J\": \"page-down\"}}\n")

        // An invalid file: exit 1, the line and the key named.
        try "{\n  \"keys\": {\n    \"J\": \"pagedown\"\n  }\n}\n".write(toFile: file, atomically: true, encoding: .utf8)
        let invalid = try config(scratch.path, [])
        #expect(invalid.status == 1)
        #expect(invalid.stderr.contains("line 3") && invalid.stderr.contains("did you mean \"page-down\""))
    }

    @Test("the sample CSV imports with --create: a key, every inferred type, quoted commas and line breaks")
    func sampleCSV() throws {
        let scratch = Scratch()
        expectOK(try CLI.run(["init", scratch.db]))
        expectOK(try CLI.run(["import", scratch.db, "books", Self.resources + "/samples/books.csv", "--create",
                              "--key", "isbn"]))
        let schema = try foundationJSON(scratch.read("db/schema/books.schema.json")) as! [String: Any]
        let columns = try #require(schema["schema"] as? [String: [String: Any]])
        #expect(columns.mapValues { $0["type"] as! String } == [
            "isbn": "int", "title": "str", "author": "str", "year": "int", "price": "float", "in_print": "bool",
            "notes": "str",
        ])
        let rows = try expectOK(try CLI.run(["select", scratch.db, "books"])).lines.map {
            try foundationJSON($0) as! [String: Any]
        }
        #expect(rows.count == 7)
        let camus = try #require(rows.first { $0["isbn"] as? Int == 9782070360024 })
        #expect(camus["notes"] as? String == "Two lines:\nthe second")
        let draft = try #require(rows.first { $0["isbn"] as? Int == 9780000000002 })
        // With --create an empty field is null in a number column and the empty string in a text one.
        #expect(draft["price"] is NSNull)
        #expect(draft["author"] as? String == "")
    }
}
