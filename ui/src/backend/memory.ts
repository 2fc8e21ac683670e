import { WalletError, type Backend } from './backend';
import type {
  Device,
  ErrorCode,
  PasswordStrength,
  PendingVerification,
  Profile,
  SessionStatus,
  SignupInput,
} from './types';

type Account = { accountId: string; phone: string; name: string; idNumber: string; password: string };
type Pending = { purpose: 'signup' | 'login'; phone: string; code: string; input?: SignupInput };
type Method = keyof Backend;

/**
 * A fake of the {@link Backend} for component tests: it behaves like the Rust facade closely
 * enough to drive the screens (codes, pending verification, device list, revocation). It is
 * not a model of the server and holds no real rules: the password "rating" is a stand-in.
 */
export class InMemoryBackend implements Backend {
  private accounts = new Map<string, Account>();
  private pending: Pending | null = null;
  private profile: Profile | null = null;
  private deviceList: Device[] = [];
  private failures = new Map<Method, WalletError>();
  private revoked = false;
  /** The last OTP "sent", for tests to type in. */
  lastCode: string | null = null;
  /** Every call made, for assertions. */
  readonly calls: Method[] = [];
  /** The fixed "now" used for timestamps. */
  now = new Date('2026-11-25T08:30:00Z');

  /** Makes the next call to `method` fail with `code`. */
  failNext(method: Method, code: ErrorCode, retryAfterSecs: number | null = null): this {
    this.failures.set(method, new WalletError(code, code, retryAfterSecs));
    return this;
  }

  /** Simulates this device being signed out from elsewhere: the next call says DEVICE_REVOKED. */
  revokeThisDevice(): void {
    this.revoked = true;
  }

  /** Seeds an existing account, optionally signed in here with extra devices. */
  seedAccount(a: { phone: string; name: string; idNumber: string; password: string }): this {
    this.accounts.set(a.phone, { ...a, accountId: `acct-${this.accounts.size + 1}` });
    return this;
  }

  seedSignedIn(phone: string, others: Array<Omit<Device, 'current'>> = []): this {
    const acct = this.accounts.get(phone);
    if (!acct) throw new Error(`no seeded account ${phone}`);
    this.enrol(acct);
    this.deviceList.push(...others.map((d) => ({ ...d, current: false })));
    return this;
  }

  private async enter(method: Method, needsSession = false): Promise<void> {
    this.calls.push(method);
    await Promise.resolve();
    const fail = this.failures.get(method);
    if (fail) {
      this.failures.delete(method);
      throw fail;
    }
    if (this.revoked && this.profile) {
      this.profile = null;
      this.deviceList = [];
      this.revoked = false;
      throw new WalletError('DEVICE_REVOKED');
    }
    if (needsSession && !this.profile) throw new WalletError('NOT_SIGNED_IN');
  }

  async status(): Promise<SessionStatus> {
    await this.enter('status');
    if (this.profile) return { state: 'signed_in', profile: this.profile };
    if (this.pending) return { state: 'pending_verification', pending: this.pendingView(this.pending) };
    return { state: 'signed_out' };
  }

  async passwordStrength(password: string, userInputs: string[]): Promise<PasswordStrength> {
    await this.enter('passwordStrength');
    const lower = password.toLowerCase();
    const reused = userInputs.some((u) => u.length >= 4 && lower.includes(u.toLowerCase()));
    const score = password.length === 0 ? 0 : reused ? 1 : Math.min(4, Math.floor(password.length / 4));
    return {
      score,
      acceptable: score >= 3,
      warning: score < 3 && password.length > 0 ? 'This is similar to a commonly used password.' : null,
      suggestions: score < 3 ? ['Add another word or two. Uncommon words are better.'] : [],
    };
  }

  async signup(input: SignupInput): Promise<PendingVerification> {
    await this.enter('signup');
    if (this.profile) throw new WalletError('ALREADY_SIGNED_IN');
    if (!/^1[3-9]\d{9}$/.test(input.phone.replace(/\s|^\+86/g, ''))) throw new WalletError('PHONE_INVALID');
    if (input.name.trim() === '') throw new WalletError('NAME_INVALID');
    if (!/^\d{17}[\dX]$/.test(input.id_number)) throw new WalletError('ID_NUMBER_INVALID');
    if (!(await this.passwordStrength(input.password, [])).acceptable) throw new WalletError('PASSWORD_WEAK');
    if (this.accounts.has(input.phone)) throw new WalletError('PHONE_TAKEN');
    return this.challenge({ purpose: 'signup', phone: input.phone, code: '', input });
  }

  async login(phone: string, password: string): Promise<PendingVerification> {
    await this.enter('login');
    if (this.profile) throw new WalletError('ALREADY_SIGNED_IN');
    const acct = this.accounts.get(phone);
    if (!acct || acct.password !== password) throw new WalletError('CREDENTIALS_INVALID');
    return this.challenge({ purpose: 'login', phone, code: '' });
  }

  async verify(code: string): Promise<Profile> {
    await this.enter('verify');
    if (!/^\d{6}$/.test(code)) throw new WalletError('OTP_FORMAT_INVALID');
    const p = this.pending;
    if (!p) throw new WalletError('NO_PENDING_VERIFICATION');
    if (p.code !== code) throw new WalletError('OTP_INVALID');
    this.pending = null;
    let acct = this.accounts.get(p.phone);
    if (p.purpose === 'signup' && p.input) {
      acct = { accountId: `acct-${this.accounts.size + 1}`, phone: p.phone, name: p.input.name, idNumber: p.input.id_number, password: p.input.password };
      this.accounts.set(p.phone, acct);
    }
    if (!acct) throw new WalletError('CHALLENGE_NOT_FOUND');
    return this.enrol(acct);
  }

  async whoami(): Promise<Profile> {
    await this.enter('whoami', true);
    return this.profile as Profile;
  }

  async devices(): Promise<Device[]> {
    await this.enter('devices', true);
    return this.deviceList.map((d) => ({ ...d }));
  }

  async revokeDevice(deviceId: string): Promise<void> {
    await this.enter('revokeDevice', true);
    if (!this.deviceList.some((d) => d.device_id === deviceId)) throw new WalletError('NOT_FOUND');
    if (this.profile?.device_id === deviceId) {
      this.wipe();
      return;
    }
    this.deviceList = this.deviceList.filter((d) => d.device_id !== deviceId);
  }

  async logout(): Promise<void> {
    await this.enter('logout', true);
    this.wipe();
  }

  private wipe(): void {
    this.profile = null;
    this.deviceList = [];
  }

  private challenge(p: Pending): PendingVerification {
    const code = String(100000 + ((this.accounts.size * 7919 + this.calls.length * 104729) % 900000));
    this.pending = { ...p, code };
    this.lastCode = code;
    return this.pendingView(this.pending);
  }

  private pendingView(p: Pending): PendingVerification {
    const expires = new Date(this.now.getTime() + 5 * 60_000);
    return { purpose: p.purpose, phone_masked: maskPhone(p.phone), expires_at: expires.toISOString() };
  }

  private enrol(acct: Account): Profile {
    const deviceId = `dev-${Math.random().toString(36).slice(2, 10)}`;
    this.profile = {
      account_id: acct.accountId,
      device_id: deviceId,
      phone: `+86${acct.phone}`,
      phone_masked: maskPhone(acct.phone),
      name: acct.name,
      id_last4: acct.idNumber.slice(-4),
    };
    const at = this.now.toISOString();
    this.deviceList = [
      { device_id: deviceId, name: 'Wallet desktop on test', platform: 'linux', enrolled_at: at, last_seen_at: at, current: true },
    ];
    return this.profile;
  }
}

function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '').replace(/^86(?=1\d{10}$)/, '');
  return `+86 ${digits.slice(0, 3)}****${digits.slice(-4)}`;
}
