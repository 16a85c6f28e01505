import { describe, expect, it } from 'vitest';
import { chromiumPath } from '../e2e/browser.js';

describe('finding the browser for the end-to-end test', () => {
  it('fails with the prerequisite named when Chromium is missing, instead of skipping', () => {
    expect(() => chromiumPath({ CHROMIUM_PATH: '/nonexistent/chromium' })).toThrow(/apt-get install chromium/);
    expect(() => chromiumPath({ CHROMIUM_PATH: '/nonexistent/chromium' })).toThrow(/CHROMIUM_PATH/);
  });

  it('uses CHROMIUM_PATH when it points at a file', () => {
    expect(chromiumPath({ CHROMIUM_PATH: process.execPath })).toBe(process.execPath);
  });
});
