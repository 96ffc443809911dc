/// The suite's version, shown by every executable's `--version`.
public enum FengqiaoVersion {
    public static let current = "0.1.0"
}
