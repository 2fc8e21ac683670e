// The wire types shared with Rust. Source of truth: wallet-core / wallet-protocol via ts-rs.
export type {
  ChallengePurpose,
  Device,
  ErrorCode,
  PasswordStrength,
  PendingVerification,
  Profile,
  SessionStatus,
  SignupInput,
  WalletError as WalletErrorData,
} from './wire';
