public enum MigrationKitPlaceholder {}
