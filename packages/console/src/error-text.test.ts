import { describe, expect, test } from 'vitest';
import { ApiError } from './api.ts';
import { describeError } from './error-text.ts';

describe('describeError', () => {
  test("an API error reads as its code's headline in the console's language, then the server's words", () => {
    const error = new ApiError(404, 'not_found', 'no import 12');
    expect(describeError('zh', error)).toBe('没有找到：no import 12');
    expect(describeError('en', error)).toBe('Not found: no import 12');
    expect(describeError('zh', new ApiError(403, 'forbidden', 'needs imports.create'))).toBe(
      '当前角色无权进行此操作：needs imports.create',
    );
  });

  test('an unknown code is an internal error; an unreachable server says so; anything else is its message', () => {
    expect(describeError('zh', new ApiError(500, 'internal', 'boom'))).toBe('服务器内部错误：boom');
    expect(describeError('en', new ApiError(502, 'bad_gateway', 'Bad Gateway'))).toBe(
      'Internal server error: Bad Gateway',
    );
    expect(describeError('zh', new TypeError('Failed to fetch'))).toBe('无法连接服务器：Failed to fetch');
    expect(describeError('en', new Error('the file is empty'))).toBe('the file is empty');
  });
});
