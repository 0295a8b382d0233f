// Loaded with `node --import` by tests that need the server to live on another day (a term that
// has passed, a school year's spring): the process's clock reads TEST_CLOCK_AT when it starts and
// runs on from there. Nothing in the app loads this; only startTestServer(serverClockAt(...)).
const at = process.env.TEST_CLOCK_AT;
if (at) {
  const RealDate = Date;
  const offset = RealDate.parse(at) - RealDate.now();
  if (Number.isNaN(offset)) throw new Error(`TEST_CLOCK_AT is not a date: ${at}`);
  class ShiftedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(RealDate.now() + offset);
      else super(...args);
    }
    static now() {
      return RealDate.now() + offset;
    }
  }
  globalThis.Date = ShiftedDate;
}
