import ArgumentParser
import Foundation
import LineDBBrowser

/// `linedb config [--default | --theme NAME | --init]`
struct Config: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the browser's config file, or print the default one or a theme's colours.",
        discussion: """
            Without options: where the browser reads its config file ($XDG_CONFIG_HOME/linedb/config.json, else \
            ~/.config/linedb/config.json), whether it is there, and whether it is valid (line and key of the first \
            problem; exit 1 when it is not). --default prints a config file naming every key binding and setting \
            at its standard value (Resources/config/default.json holds the same text); --theme NAME prints the \
            colours of a built-in theme (standard, light), every style named, to start a theme of one's own; \
            --keys-markdown prints the standard keys as the README's table; --init writes the default file where the \
            browser reads it, unless a file is already there.

            Example:
              linedb config --init && $EDITOR ~/.config/linedb/config.json
              linedb config --theme light
            """
    )

    @Flag(help: "Print the default config file: every key and setting.")
    var `default` = false

    @Option(help: "Print the colours of a built-in theme (standard, light).")
    var theme: String?

    @Flag(help: "Print the standard keys as the Markdown table of the README's browser section.")
    var keysMarkdown = false

    @Flag(name: .customLong("init"),
          help: "Write the default config file where the browser reads it (never over an existing file).")
    var initialize = false

    func run() throws {
        if [`default`, theme != nil, initialize, keysMarkdown].filter({ $0 }).count > 1 {
            throw UsageError("--default, --theme, --keys-markdown and --init go alone")
        }
        if keysMarkdown {
            Output.data(Renderer.helpMarkdown())
            return
        }
        if `default` {
            Output.data(Configuration.defaultFileText())
            return
        }
        if let theme {
            guard let found = Configuration.themes.first(where: { $0.name == theme.lowercased() }) else {
                throw UsageError("unknown theme '\(theme)' (themes: "
                    + Configuration.themes.map(\.name).joined(separator: ", ") + ")")
            }
            Output.data(Configuration.themeFileText(named: found.name, found.theme))
            return
        }
        let environment = ProcessInfo.processInfo.environment
        guard let path = Configuration.filePath(environment: environment) else {
            throw UsageError("neither XDG_CONFIG_HOME nor HOME is set: there is no place for a config file")
        }
        if initialize {
            try writeDefault(to: path)
            return
        }
        guard FileManager.default.fileExists(atPath: path) else {
            Output.line("\(path): no file (the browser uses the default keys and colours; "
                + "`linedb config --init` writes one to edit)")
            return
        }
        let loaded = Configuration.load(environment: environment)
        if let problem = loaded.problem { throw DataError(problem) }
        Output.line("\(path): valid")
    }

    private func writeDefault(to path: String) throws {
        let fm = FileManager.default
        if fm.fileExists(atPath: path) {
            throw DataError("\(path) already exists; not replacing it (`linedb config --default` prints the default)")
        }
        do {
            try fm.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                   withIntermediateDirectories: true)
            // Created exclusively: a file that appeared meanwhile is not replaced.
            guard fm.createFile(atPath: path + ".tmp-\(getpid())",
                                contents: Data(Configuration.defaultFileText().utf8)) else {
                throw DataError("cannot write \(path)")
            }
            if link(path + ".tmp-\(getpid())", path) != 0 {
                let reason = String(cString: strerror(errno))
                unlink(path + ".tmp-\(getpid())")
                throw DataError("cannot write \(path): \(reason)")
            }
            unlink(path + ".tmp-\(getpid())")
        } catch let error as DataError {
            throw error
        } catch {
            throw DataError("cannot write \(path): \(error.localizedDescription)")
        }
        Output.line("wrote \(path): every key and setting at its default; edit it and restart the browser")
    }
}
