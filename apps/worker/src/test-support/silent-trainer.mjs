// A trainer child that receives its start message and then never says anything again (a hung kernel).
process.on('message', () => {});
setInterval(() => {}, 1_000);
