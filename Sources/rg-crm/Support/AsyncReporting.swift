import ArgumentParser

/// `reportingErrors` for async command bodies: the same one-line errors and exit codes.
func reportingErrors<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let exit as ExitCode {
        throw exit
    } catch let failure as CommandFailure {
        Terminal.note("rg-crm: error: \(failure.message)")
        throw ExitCode(failure.code)
    } catch {
        Terminal.note("rg-crm: error: \(String(describing: error))")
        throw ExitCode(ExitCodes.code(for: error))
    }
}
