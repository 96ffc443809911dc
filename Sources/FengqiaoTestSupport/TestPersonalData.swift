/// Personal-data keys for tests only, in the form of `FENGQIAO_PII_KEYS` (semicolons for line
/// breaks). Fixed, so that a failing test can be replayed; never used outside tests.
public enum TestPersonalData {
    public static let keys = "current=k1;k1=/TbnRJgk6b4t8wz8lYRwO6jXXx6SH0MX4mSKXZXNYdI=;lookup=j64SDRNkTKKhFXVnRdhneRQ6yMGMsa+ViiP8r0H2wfw="
}
