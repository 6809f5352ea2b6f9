// test/debug/: the program the DevTools protocol tests debug: a compiled C module, run once.
const { instantiate } = await import(new URL('index.js', `file://${process.argv[2]}/`).href);
const { instance } = await instantiate();
console.log(`run(3) = ${instance.exports.run(3)}`);
