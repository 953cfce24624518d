// Types of ./encodings.mjs, for the tests that import it through test/helpers/encodings.ts.
export declare const MIN_PATTERN_LENGTH: number;
export declare function base64Core(bytes: Uint8Array, shift: 0 | 1 | 2, alphabet: 'std' | 'url'): string;
export declare function urlEncodings(value: string): string[];
export declare function jsonEncodings(value: string): string[];
export declare function htmlEncodings(value: string): string[];
export declare function hexEncodings(bytes: Uint8Array): string[];
export declare function encodingsOf(value: string): string[];
export declare function quotedPrintable(text: string, lineLength?: number, conservative?: boolean): string;
export declare function qEncodedWords(text: string): string;
export declare function base32(bytes: Uint8Array): string;
export declare function javaPropertiesEscape(value: string): string;
export declare function javaPropertiesLine(key: string, value: string, cuts: number[]): string;
