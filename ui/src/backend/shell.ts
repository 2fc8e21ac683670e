// The desktop shell's own types, written by hand after the structs in desktop/src/lib.rs and
// desktop/src/lock.rs (they are the shell's, not the core's, so ts-rs does not generate them).

/** Where the provider URL in use comes from: `WALLET_SERVER` wins over the settings file. */
export type ProviderSource = 'env' | 'file' | 'default';

/** `ShellView`: what the settings screen shows. */
export type ShellSettings = {
  provider_url: string;
  provider_source: ProviderSource;
  provider_default: string;
  lock_after_secs: number;
  /** The idle times the user may choose between, in seconds. */
  lock_choices: number[];
  notifications: boolean;
};

/** What the About screen shows. */
export type About = {
  name: string;
  version: string;
  /** The commit and profile the binary was built from. */
  build: string;
  identifier: string;
  provider_url: string;
  provider_source: ProviderSource;
  /** The profile directory (the encrypted database; its key is in the secret store). */
  data_dir: string;
  settings_file: string | null;
};

export type LockState = { locked: boolean; lock_after_secs: number };
