import Foundation
import HTTPClient
import Postgres
import RGCore
import TestSupport
import Testing

@testable import ProvisionKit

/// Secrets in Vault KV v2 (a fake on loopback that keeps Vault's contract), PostgreSQL and files real.
@Suite struct VaultTests {
    func store(_ vault: FakeVault, token: String? = nil, slug: String = "mrdj") throws -> VaultSecretStore {
        VaultSecretStore(VaultSettings(address: vault.address, token: token ?? vault.token), slug: try Slug(slug))
    }

    @Test func theFakeKeepsVaultsCheckAndSetContract() throws {
        let vault = try FakeVault()
        let url = "\(vault.address)/v1/secret/data/rentguy/tenants/mrdj/x"
        func post(_ body: String, token: String? = nil) throws -> HTTPResponse {
            try HTTPClient.send(
                HTTPRequest(
                    method: "POST", url: url, headers: [("X-Vault-Token", token ?? vault.token)], body: Array(body.utf8)
                ))
        }
        #expect(try post(#"{"options":{"cas":0},"data":{"value":"a"}}"#).status == 200)
        let again = try post(#"{"options":{"cas":0},"data":{"value":"b"}}"#)
        #expect(again.status == 400)
        #expect(again.text.contains("check-and-set parameter did not match the current version"))
        #expect(try post(#"{"options":{"cas":1},"data":{"value":"c"}}"#).status == 200)
        #expect(vault.version("rentguy/tenants/mrdj/x") == 2)
        #expect(try post(#"{"data":{"value":"d"}}"#, token: "wrong").status == 403)
        let read = try HTTPClient.send(HTTPRequest(url: url, headers: [("X-Vault-Token", vault.token)]))
        #expect(read.text.contains(#""version":2"#) && read.text.contains(#""value":"c""#))
        #expect(vault.writes == 2)
    }

    @Test func secretsGoToVaultOnceAndASecondRunWritesNothing() throws {
        let vault = try FakeVault()
        try ProvisionFixture.with("vault") { fixture throws in
            fixture.settings.vault = VaultSettings(address: vault.address, token: vault.token)
            try fixture.apply()
            #expect(vault.writes == 4)
            #expect(vault.read("rentguy/tenants/mrdj/postgres_app_password")?["value"] as? String != nil)
            #expect(!FileManager.default.fileExists(atPath: fixture.settings.secretsFolder(try Slug("mrdj"))))
            let app = try fixture.connectAsLogin("mrdj", .app, store: try store(vault))
            #expect(try app.query("SELECT slug::text FROM crm.crm_tenants").scalar == "mrdj")
            let attempts = vault.writeAttempts
            let second = try fixture.apply()
            #expect(!second.changedAnything)
            #expect(vault.writeAttempts == attempts)
            #expect(vault.writes == 4)
            let plan = try fixture.provisioner().plan().plan
            #expect(plan.changes.contains { $0.identity == "vault:secret/data/rentguy/tenants/mrdj/postgres_app_url" })
        }
    }

    @Test func anExistingVaultSecretIsNeverOverwrittenAndIsUsed() throws {
        let vault = try FakeVault()
        let existing = "ExistingPasswordFromAnotherRun0123456789"
        vault.put("rentguy/tenants/mrdj/postgres_app_password", ["value": existing])
        // And another writer stores the reader's password between rg-crm's read and its write.
        let racing = "RacingWriterPasswordAbcdefghij0123456789"
        vault.onNextWrite { vault in vault.put("rentguy/tenants/mrdj/postgres_reader_password", ["value": racing]) }
        try ProvisionFixture.with("vaultcas") { fixture throws in
            fixture.settings.vault = VaultSettings(address: vault.address, token: vault.token)
            try fixture.apply()
            #expect(vault.version("rentguy/tenants/mrdj/postgres_app_password") == 1)
            #expect(vault.read("rentguy/tenants/mrdj/postgres_app_password")?["value"] as? String == existing)
            #expect(vault.version("rentguy/tenants/mrdj/postgres_reader_password") == 1)
            #expect(vault.read("rentguy/tenants/mrdj/postgres_reader_password")?["value"] as? String == racing)
            // The roles got the stored values.
            let endpoint = try fixture.admin().endpoint
            _ = try Connection(
                conninfo: LoginUsers.conninfo(endpoint, user: fixture.login("mrdj", .app), password: existing))
            _ = try Connection(
                conninfo: LoginUsers.conninfo(endpoint, user: fixture.login("mrdj", .reader), password: racing))
        }
    }

    @Test func aRefusedTokenStopsTheRunAndIsNotPrinted() throws {
        let vault = try FakeVault()
        try ProvisionFixture.with("vault403") { fixture throws in
            fixture.settings.vault = VaultSettings(address: vault.address, token: "s.wrong-token-value")
            #expect {
                _ = try fixture.provisioner().apply()
            } throws: { error in
                let text = "\(error)"
                return text.contains("the token was refused (403 permission denied)") && !text.contains("s.wrong")
            }
            #expect(vault.writes == 0)
        }
    }

    @Test func vaultSecretsAreRemovedOnlyWhenPurged() throws {
        let vault = try FakeVault()
        try ProvisionFixture.with("vaultrm") { fixture throws in
            fixture.settings.vault = VaultSettings(address: vault.address, token: vault.token)
            try fixture.apply()
            let kept = try Offboarding.remove(
                try Slug("mrdj"), connection: try fixture.admin(), settings: fixture.settings, purgeVault: false)
            #expect(kept.database.droppedRoles.contains(fixture.login("mrdj", .app)))
            #expect(kept.removedSecrets.isEmpty)
            #expect(vault.read("rentguy/tenants/mrdj/postgres_app_url") != nil)

            try fixture.apply()
            let purged = try Offboarding.remove(
                try Slug("mrdj"), connection: try fixture.admin(), settings: fixture.settings, purgeVault: true)
            #expect(purged.removedSecrets.count == 4)
            #expect(vault.read("rentguy/tenants/mrdj/postgres_app_url") == nil)
        }
    }
}
