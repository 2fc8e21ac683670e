import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';
import { clearBudgetAlerts } from '../screens/budgetAlerts';

afterEach(() => {
  cleanup();
  localStorage.clear();
  clearBudgetAlerts();
});
