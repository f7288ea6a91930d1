using Microsoft.VisualStudio.TestTools.UnitTesting;

// Tests share libtorch's global generator and thread settings: run them one at a time.
[assembly: DoNotParallelize]
