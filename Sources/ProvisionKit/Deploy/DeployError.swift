import RGCore

/// What can go wrong rendering or writing a tenant's deploy artefacts.
public enum DeployError: RGError, Sendable, Equatable {
    /// The values template is not YAML the renderer reads: `file:line:col: message`.
    case templateSyntax(file: String, position: SourcePosition, message: String)
    /// A value of the template the renderer cannot fill in or write back: `file: $.ingress.host: message`.
    case templateValue(file: String, path: String, message: String)
    /// A tenant value that cannot go into a Kubernetes name or a host (a pack built without `ConfigPack`'s checks).
    case invalidTenant(String)
    /// Files under `deploy/tenants/<slug>/` changed by hand since rg-crm rendered them; nothing was written.
    case conflicts(directory: String, files: [String])
    /// A file that cannot be read or written.
    case file(FileError)

    public var category: ExitCategory {
        switch self {
        case .templateSyntax, .templateValue, .invalidTenant: .usage
        case .conflicts: .failed
        case .file(let error): error.category
        }
    }

    public var description: String {
        switch self {
        case .templateSyntax(let file, let position, let message):
            "\(file):\(position.line):\(position.column): \(message)"
        case .templateValue(let file, let path, let message): "\(file): \(path): \(message)"
        case .invalidTenant(let message): message
        case .conflicts(let directory, let files):
            "\(files.joined(separator: ", ")) in \(directory) changed by hand since rg-crm rendered \(files.count == 1 ? "it" : "them"); nothing was written — move the edit into the config pack or deploy/helm/rentguy-crm/values.template.yaml, or pass --force to overwrite"
        case .file(let error): error.description
        }
    }
}
