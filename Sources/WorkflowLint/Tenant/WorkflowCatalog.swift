import Foundation
import RGCore

/// The workflow ids a folder holds: the stem of every `*.yaml` / `*.yml` under it (lint requires a workflow's id to
/// equal its file's stem). `config check` holds a tenant's automation mapping against it.
public enum WorkflowCatalog {
    public static func ids(in directory: String) throws(LintSetupError) -> Set<String> {
        Set(try files(in: directory).map(WorkflowLinter.fileStem))
    }

    /// The workflow files under `directory`; a missing folder or an unreadable entry is a set-up error.
    public static func files(in directory: String) throws(LintSetupError) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw LintSetupError("no workflow folder at \(directory) (pass --workflows DIR)")
        }
        let (files, unreadable) = WorkflowLinter.collectFiles([directory])
        if let first = unreadable.first { throw LintSetupError(first.description) }
        return files
    }
}
