import type { ErrorCode } from '../backend/types';

/** Which form field a validation code belongs to, so its message shows next to that field. */
export function fieldFor(code: ErrorCode): 'phone' | 'name' | 'id_number' | 'password' | null {
  switch (code) {
    case 'PHONE_INVALID':
    case 'PHONE_TAKEN':
      return 'phone';
    case 'NAME_INVALID':
      return 'name';
    case 'ID_NUMBER_INVALID':
      return 'id_number';
    case 'PASSWORD_WEAK':
      return 'password';
    default:
      return null;
  }
}
