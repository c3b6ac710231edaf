import ArgumentParser
import LineDB

/// `linedb init DB`
struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create an empty database.",
        discussion: """
            Creates DB/schema, DB/data, DB/wal and an empty WAL (and missing parent directories), durably. \
            On an existing database it changes nothing.

            Example:
              linedb init data/university
            """
    )

    @OptionGroup var database: DatabaseArgument

    func run() throws {
        let path = database.path
        if (try? database.requireDatabase()) != nil {
            Output.line("\(path) is already a LineDB database; nothing changed")
            return
        }
        var root = path
        while root.count > 1 && root.hasSuffix("/") { root.removeLast() }
        let name: String
        let parent: String
        if let slash = root.lastIndex(of: "/") {
            name = String(root[root.index(after: slash)...])
            parent = String(root[..<slash])
        } else {
            (name, parent) = (root, ".")
        }
        guard !name.isEmpty, name != ".", name != ".." else {
            throw UsageError("'\(path)' cannot be a database directory; name a new directory")
        }
        let db = try Database(name: name, basePath: parent)
        try db.close()
        Output.line("created an empty database in \(path)")
    }
}
