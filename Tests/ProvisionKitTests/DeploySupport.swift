import Foundation
import ProvisionKit
import RGCore
import TestSupport
import Testing

/// The shipped pack and template, and ways to read what the renderer wrote.
enum DeployFixtures {
    static func mrdj() throws -> ConfigPack {
        try ConfigPack.load(slug: try Slug("mrdj"), configDirectory: TestPaths.repository("configs/tenants"))
    }

    static func template() throws -> DeployTemplate {
        var template = try DeployTemplate.load(TestPaths.repository(DeployTemplate.defaultPath))
        template.path = DeployTemplate.defaultPath
        return template
    }

    static func template(_ text: String) -> DeployTemplate {
        DeployTemplate(path: "values.template.yaml", bytes: Array(text.utf8))
    }

    /// mrdj's pack with another slug, name and domain (as a pack built in code: no loader's checks).
    static func pack(slug: String = "mrdj", name: String? = nil, domain: String? = nil) throws -> ConfigPack {
        var pack = try mrdj()
        pack.tenant.slug = try Slug(slug)
        if let name { pack.tenant.name = name }
        if let domain { pack.tenant.domain = domain }
        return pack
    }

    static func render(_ pack: ConfigPack) throws -> [String: RenderedFile] {
        let files = try DeployRenderer.render(pack: pack, template: try template())
        return Dictionary(uniqueKeysWithValues: files.map { ($0.relativePath, $0) })
    }

    /// A rendered file's documents, read back by libyaml.
    static func documents(_ file: RenderedFile?) throws -> [YAMLTree] {
        try YAMLTree.parseDocuments(try #require(file).bytes)
    }

    static func document(_ file: RenderedFile?) throws -> YAMLTree {
        try #require(try documents(file).first)
    }

    /// Every mapping's keys, in the order written, with where they stand.
    static func mappings(_ tree: YAMLTree, _ path: String = "$") -> [(String, [String])] {
        switch tree {
        case .mapping(let entries):
            [(path, entries.map(\.0))] + entries.flatMap { mappings($0.1, "\(path).\($0.0)") }
        case .sequence(let items):
            items.enumerated().flatMap { mappings($0.element, "\(path)[\($0.offset)]") }
        default: []
        }
    }

    static func strings(_ tree: YAMLTree?) -> [String]? {
        guard case .sequence(let items)? = tree else { return nil }
        return items.compactMap(\.text)
    }

    static func temporaryDirectory(_ label: String) throws -> String { try TestPaths.temporaryDirectory(label) }
}
