import Foundation

// make-demo: writes the demo database of `linedb demo` into the package resource, the same bytes every run.
//
//   swift run make-demo                 # rewrites Resources/university
//   swift run make-demo OUTPUT          # writes it to OUTPUT instead (replaced if empty or a database)
//   swift run make-demo --check         # exit 1 (naming the files) when the committed resource is stale;
//                                       # exit 2 on a usage error
//
// The generator is Sources/linedb/Demo/UniversityDemo.swift (compiled here through the link Tools/make-demo/Demo),
// the same code `linedb demo` runs when its resource bundle is missing. Regenerate and commit after changing it or
// the engine's file format; Tests/LinedbCLITests/DemoResourceTests.swift fails while the resource is stale.

/// The package root, from this file's place in it (Tools/make-demo/main.swift).
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path
let resource = root + "/Resources/university"

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("make-demo: \(message)\n".utf8))
    exit(2)
}

var arguments = Array(CommandLine.arguments.dropFirst())
let check = arguments.contains("--check")
arguments.removeAll { $0 == "--check" }
if arguments.contains(where: { $0.hasPrefix("-") }) || arguments.count > 1 {
    fail("usage: make-demo [--check] [OUTPUT]   (OUTPUT defaults to \(resource))")
}
let output = arguments.first ?? resource
let fm = FileManager.default
// OUTPUT is replaced as a whole: refuse anything but a database (schema/ or wal/) or an empty directory.
if !check, let existing = try? fm.contentsOfDirectory(atPath: output), !existing.isEmpty,
    !existing.contains("schema") && !existing.contains("wal")
{
    fail("\(output) is not empty and is not a database; not replacing it")
}
let staging = output.hasSuffix("/") ? String(output.dropLast()) + ".tmp-\(getpid())" : output + ".tmp-\(getpid())"
try? fm.removeItem(atPath: staging)
do {
    try UniversityDemo.generate(into: staging)
} catch {
    try? fm.removeItem(atPath: staging)
    fail("generating into \(staging): \(error)")
}

/// Every regular file under `directory`, as paths relative to it, sorted.
func files(under directory: String) -> [String] {
    (fm.enumerator(atPath: directory)?.allObjects as? [String] ?? []).filter {
        var isDirectory: ObjCBool = false
        return fm.fileExists(atPath: directory + "/" + $0, isDirectory: &isDirectory) && !isDirectory.boolValue
    }.sorted()
}

let generated = files(under: staging)
if check {
    let committed = files(under: output)
    var stale = Set(generated).symmetricDifference(committed).sorted()
    for name in generated where committed.contains(name) {
        if fm.contents(atPath: staging + "/" + name) != fm.contents(atPath: output + "/" + name) { stale.append(name) }
    }
    // Removed here, not in a `defer`: `exit` runs no defers (which left a staging copy beside the resource).
    try? fm.removeItem(atPath: staging)
    if stale.isEmpty {
        print("make-demo: \(output) is up to date (\(generated.count) files)")
        exit(0)
    }
    print("make-demo: \(output) is stale; differing files: \(stale.sorted().joined(separator: ", "))")
    print("make-demo: run `swift run make-demo` and commit the result")
    exit(1)
}
do {
    if fm.fileExists(atPath: output) { try fm.removeItem(atPath: output) }
    try fm.moveItem(atPath: staging, toPath: output)
} catch {
    fail("replacing \(output): \(error)")
}
var total = 0
for name in generated {
    let size = (try? fm.attributesOfItem(atPath: output + "/" + name)[.size] as? Int) ?? 0
    total += size
    let lines = fm.contents(atPath: output + "/" + name).map { $0.reduce(0) { $1 == 10 ? $0 + 1 : $0 } } ?? 0
    print("\(name)  \(size) bytes, \(lines) lines")
}
print("make-demo: wrote \(output) (\(generated.count) files, \(total) bytes)")
