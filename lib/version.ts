/** This release; equal to package.json's version (a test keeps them together). */
export const VERSION = "0.1.0";
