// Preloaded with `node --import` to run the unit tests on a clock moved by SOCREADY_CLOCK_SHIFT_DAYS (default 1100):
// a test that passes only around the day it was written (a fixed expiry, a "recent" log, a certificate judged against
// today) fails here. Dates built from explicit values are untouched; only "now" moves.
const shiftMs = Number(process.env.SOCREADY_CLOCK_SHIFT_DAYS ?? 1100) * 86_400_000;
const RealDate = Date;
class ShiftedDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(RealDate.now() + shiftMs);
    else super(...args);
  }
  static now() {
    return RealDate.now() + shiftMs;
  }
}
globalThis.Date = ShiftedDate;
