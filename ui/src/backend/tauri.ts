import { invoke } from '@tauri-apps/api/core';
import { WalletError, type Backend } from './backend';
import type {
  Device,
  PasswordStrength,
  PendingVerification,
  Profile,
  SessionStatus,
  SignupInput,
} from './types';

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw WalletError.from(e);
  }
}

/** The desktop backend: each method is one Tauri command in `desktop/src/lib.rs`. */
export class TauriBackend implements Backend {
  status(): Promise<SessionStatus> {
    return call('status');
  }
  passwordStrength(password: string, userInputs: string[]): Promise<PasswordStrength> {
    return call('password_strength', { password, userInputs });
  }
  signup(input: SignupInput): Promise<PendingVerification> {
    return call('signup', { input });
  }
  login(phone: string, password: string): Promise<PendingVerification> {
    return call('login', { phone, password });
  }
  verify(code: string): Promise<Profile> {
    return call('verify', { code });
  }
  whoami(): Promise<Profile> {
    return call('whoami');
  }
  devices(): Promise<Device[]> {
    return call('devices');
  }
  revokeDevice(deviceId: string): Promise<void> {
    return call('revoke_device', { deviceId });
  }
  logout(): Promise<void> {
    return call('logout');
  }
}

/** True inside the Tauri webview. */
export function inTauri(): boolean {
  return typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window;
}
