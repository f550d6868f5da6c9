import type { Parser } from '../checks/types.js';
import { linuxParsers } from './linux/index.js';
import { productParsers } from './products/index.js';
import { webParsers } from './web/index.js';
import { windowsParsers } from './windows/index.js';

export const PARSERS: Readonly<Record<string, Parser>> = { ...linuxParsers, ...windowsParsers, ...webParsers, ...productParsers };
