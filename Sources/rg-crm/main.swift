import MigrationKit
print("x")
