import RGCore

/// One file through `rg-crm workflows upgrade`: read, upgrade, lint the result, then write it or show the diff.
public struct WorkflowUpgradeRun: Sendable {
    /// The diff (dry run) for standard output.
    public var output: String
    /// One line per outcome, for standard error.
    public var notes: [String]
    /// Success when clean; failed with values to fill in or findings left; else the category of the error that
    /// stopped it (a file that cannot be read, upgraded or written).
    public var status: ExitStatus

    /// The run stopped by `error`, reported as one line.
    static func stopped(by error: some RGError) -> WorkflowUpgradeRun {
        WorkflowUpgradeRun(output: "", notes: ErrorReport.lines(for: error), status: ExitStatus(error))
    }

    public static func run(path: String, tenant: TenantContext?, dryRun: Bool) -> WorkflowUpgradeRun {
        let bytes: [UInt8]
        do {
            bytes = try BoundedFile.read(path, limit: WorkflowLinter.maximumFileSize)
        } catch {
            return .stopped(by: error)
        }
        let upgrade: WorkflowUpgrader.Upgrade
        do {
            upgrade = try WorkflowUpgrader.upgrade(bytes, path: path, tenant: tenant)
        } catch {
            return .stopped(by: error)
        }
        var notes: [String] = []
        var output = ""
        if dryRun {
            output = LineDiff.unified(
                old: String(decoding: bytes, as: UTF8.self), new: upgrade.text, path: path, breaks: .yaml)
        } else {
            do {
                try AtomicFile.write(Array(upgrade.text.utf8), to: path)
            } catch {
                return .stopped(by: error)
            }
        }
        let verb = dryRun ? "would be upgraded" : "upgraded"
        for value in upgrade.missing {
            notes.append("\(path): fill in \(value.key): \(value.reason)")
        }
        // The placeholders are reported above; lint shows anything else the result still lacks.
        let findings = WorkflowLinter.lint(Array(upgrade.text.utf8), path: path, tenant: tenant).filter { finding in
            !upgrade.missing.contains { finding.message.hasPrefix($0.key) || finding.message.contains("'\($0.key)'") }
        }
        for finding in findings { notes.append(TextFormatter.headline(finding, colour: false)) }
        let clean = upgrade.missing.isEmpty && !findings.contains { $0.severity == .error }
        notes.insert(
            "\(path): \(verb)\(clean ? ", lints clean" + (tenant.map { " with --tenant \($0.slug)" } ?? "") : "")",
            at: 0)
        return WorkflowUpgradeRun(output: output, notes: notes, status: clean ? .success : .failed)
    }
}
