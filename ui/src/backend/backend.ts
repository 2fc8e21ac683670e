import type {
  Device,
  ErrorCode,
  PasswordStrength,
  PendingVerification,
  Profile,
  SessionStatus,
  SignupInput,
  WalletErrorData,
} from './types';

/**
 * Everything the UI may ask of the wallet: a mirror of the Rust `Wallet` facade. The Tauri
 * implementation calls the desktop commands; the in-memory one is a fake for component tests.
 * Every method rejects with a {@link WalletError} carrying a stable `code`.
 */
export interface Backend {
  status(): Promise<SessionStatus>;
  /** zxcvbn rating, computed in Rust exactly as the server will. */
  passwordStrength(password: string, userInputs: string[]): Promise<PasswordStrength>;
  signup(input: SignupInput): Promise<PendingVerification>;
  login(phone: string, password: string): Promise<PendingVerification>;
  verify(code: string): Promise<Profile>;
  whoami(): Promise<Profile>;
  devices(): Promise<Device[]>;
  revokeDevice(deviceId: string): Promise<void>;
  logout(): Promise<void>;
}

/** A failure from the backend. The UI shows localised text for `code`, never `message`. */
export class WalletError extends Error {
  readonly code: ErrorCode;
  readonly retryAfterSecs: number | null;

  constructor(code: ErrorCode, message: string = code, retryAfterSecs: number | null = null) {
    super(message);
    this.name = 'WalletError';
    this.code = code;
    this.retryAfterSecs = retryAfterSecs;
  }

  /** Normalises anything a backend call threw (an error object from Tauri, a JS exception). */
  static from(e: unknown): WalletError {
    if (e instanceof WalletError) return e;
    if (isWalletErrorData(e)) {
      const retry = e.retry_after_secs == null ? null : Number(e.retry_after_secs);
      return new WalletError(e.code, e.message, retry);
    }
    return new WalletError('INTERNAL', e instanceof Error ? e.message : String(e));
  }
}

function isWalletErrorData(e: unknown): e is WalletErrorData {
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof (e as { code?: unknown }).code === 'string' &&
    typeof (e as { message?: unknown }).message === 'string'
  );
}

/**
 * Wraps a backend so any `DEVICE_REVOKED` answer (the core has already wiped the local data)
 * is reported once to `onRevoked` before the error propagates.
 */
export function watchRevocation(inner: Backend, onRevoked: () => void): Backend {
  const guard =
    <A extends unknown[], T>(f: (...args: A) => Promise<T>) =>
    async (...args: A): Promise<T> => {
      try {
        return await f(...args);
      } catch (e) {
        const err = WalletError.from(e);
        if (err.code === 'DEVICE_REVOKED') onRevoked();
        throw err;
      }
    };
  return {
    status: guard(() => inner.status()),
    passwordStrength: guard((p: string, u: string[]) => inner.passwordStrength(p, u)),
    signup: guard((i: SignupInput) => inner.signup(i)),
    login: guard((p: string, pw: string) => inner.login(p, pw)),
    verify: guard((c: string) => inner.verify(c)),
    whoami: guard(() => inner.whoami()),
    devices: guard(() => inner.devices()),
    revokeDevice: guard((id: string) => inner.revokeDevice(id)),
    logout: guard(() => inner.logout()),
  };
}
