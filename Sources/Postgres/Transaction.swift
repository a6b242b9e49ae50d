extension Connection {
    /// Runs `body` inside BEGIN … COMMIT; any error rolls back and is rethrown. With `commit: false` the work is
    /// always rolled back (dry runs). `wrap` turns the driver's own errors into the caller's error type.
    public func transaction<T, E: Error>(
        commit: Bool = true, wrap: (PostgresError) -> E, _ body: () throws(E) -> T
    ) throws(E) -> T {
        do { try query("BEGIN") } catch { throw wrap(error) }
        let result: T
        do {
            result = try body()
        } catch {
            _ = try? query("ROLLBACK")
            throw error
        }
        do { try query(commit ? "COMMIT" : "ROLLBACK") } catch {
            _ = try? query("ROLLBACK")
            throw wrap(error)
        }
        return result
    }
}
