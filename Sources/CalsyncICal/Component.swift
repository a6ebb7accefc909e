/// A `BEGIN:NAME` … `END:NAME` block with its properties and nested blocks.
struct Component: Sendable {
    /// The upper-cased component name (`VCALENDAR`, `VEVENT`).
    let name: String
    /// The properties directly inside, in file order.
    var properties: [ContentLine] = []
    /// The nested components, in file order.
    var children: [Component] = []
    /// The physical line of `BEGIN`.
    let line: Int

    /// Builds the component tree of a file.
    ///
    /// - Throws: `ICalError` for an `END` that does not match, a `BEGIN` never ended, or a
    ///   property outside every component.
    static func tree(of lines: [ContentLine], fileName: String) throws(ICalError) -> [Component] {
        var roots: [Component] = []
        var stack: [Component] = []
        for line in lines {
            switch line.name {
            case "BEGIN":
                let name = line.value.trimmingCharacters(in: .whitespaces).uppercased()
                guard !name.isEmpty else {
                    throw ICalError(
                        fileName: fileName, line: line.line, code: .malformedLine,
                        what: "BEGIN without a component name", why: "BEGIN names a component such as VEVENT",
                        fix: "Write BEGIN:VEVENT or the intended component")
                }
                stack.append(Component(name: name, line: line.line))
            case "END":
                let name = line.value.trimmingCharacters(in: .whitespaces).uppercased()
                guard let open = stack.popLast() else {
                    throw ICalError(
                        fileName: fileName, line: line.line, code: .mismatchedEnd,
                        what: "END:\(name) without a matching BEGIN", why: "every END closes the last open BEGIN",
                        fix: "Remove the END line or add BEGIN:\(name) before it")
                }
                guard open.name == name else {
                    throw ICalError(
                        fileName: fileName, line: line.line, code: .mismatchedEnd,
                        what: "END:\(name) closes BEGIN:\(open.name) of line \(open.line)",
                        why: "components must nest", fix: "Write END:\(open.name) here or close \(name) later")
                }
                if stack.isEmpty {
                    roots.append(open)
                } else {
                    stack[stack.count - 1].children.append(open)
                }
            default:
                guard !stack.isEmpty else {
                    throw ICalError(
                        fileName: fileName, line: line.line, code: .unterminatedComponent,
                        what: "property \(line.name) outside any component",
                        why: "every property sits between BEGIN and END",
                        fix: "Move the line inside BEGIN:VCALENDAR … END:VCALENDAR")
                }
                stack[stack.count - 1].properties.append(line)
            }
        }
        if let open = stack.last {
            throw ICalError(
                fileName: fileName, line: open.line, code: .unterminatedComponent,
                what: "BEGIN:\(open.name) is never ended", why: "every BEGIN needs a matching END",
                fix: "Add END:\(open.name), or check that the file was not cut short")
        }
        return roots
    }

    /// The properties named `name`.
    func properties(named name: String) -> [ContentLine] {
        properties.filter { $0.name == name }
    }
}
