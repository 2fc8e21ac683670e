// TEMPORARY hand-written mirror of the Rust types (wallet-core / wallet-protocol), used until
// ts-rs writes `src/generated/`. Delete once `types.ts` re-exports the generated files.

export type ErrorCode =
  | 'MALFORMED_REQUEST'
  | 'PHONE_INVALID'
  | 'ID_NUMBER_INVALID'
  | 'NAME_INVALID'
  | 'PASSWORD_WEAK'
  | 'OTP_FORMAT_INVALID'
  | 'PHONE_TAKEN'
  | 'CREDENTIALS_INVALID'
  | 'OTP_INVALID'
  | 'OTP_EXPIRED'
  | 'CHALLENGE_NOT_FOUND'
  | 'RATE_LIMITED'
  | 'SIGNATURE_MISSING'
  | 'SIGNATURE_INVALID'
  | 'TIMESTAMP_SKEW'
  | 'NONCE_REUSED'
  | 'DEVICE_UNKNOWN'
  | 'DEVICE_REVOKED'
  | 'NOT_FOUND'
  | 'FORBIDDEN'
  | 'SANDBOX_ONLY'
  | 'INTERNAL'
  | 'NOT_SIGNED_IN'
  | 'ALREADY_SIGNED_IN'
  | 'NO_PENDING_VERIFICATION'
  | 'STORE_KEY_MISSING'
  | 'STORE_KEY_WRONG'
  | 'STORE_CORRUPT'
  | 'STORE_IO'
  | 'SECRET_STORE_UNAVAILABLE'
  | 'NETWORK'
  | 'INSECURE_SERVER_URL'
  | 'PROTOCOL';

export type WalletError = {
  code: ErrorCode;
  message: string;
  retry_after_secs: number | null;
};

export type ChallengePurpose = 'signup' | 'login';

export type SignupInput = { phone: string; name: string; id_number: string; password: string };

export type PendingVerification = {
  purpose: ChallengePurpose;
  phone_masked: string;
  expires_at: string;
};

export type Profile = {
  account_id: string;
  device_id: string;
  phone: string;
  phone_masked: string;
  name: string;
  id_last4: string;
};

export type Device = {
  device_id: string;
  name: string;
  platform: string;
  enrolled_at: string;
  last_seen_at: string;
  current: boolean;
};

export type SessionStatus =
  | { state: 'signed_out' }
  | { state: 'pending_verification'; pending: PendingVerification }
  | { state: 'signed_in'; profile: Profile };

export type PasswordStrength = {
  score: number;
  acceptable: boolean;
  warning: string | null;
  suggestions: Array<string>;
};
