// compilestring(src[, name]) compiles a chunk into a function: no access to the caller's
// locals, this chosen by the call, constants declared earlier in the unit are visible.
local compiled = compilestring("return 6 * 7;");
print("cs " + typeof compiled + " " + compiled() + "\n");
local withArgs = compilestring("return vargv.len() + \":\" + vargv[0];");
print("cs.vargv " + withArgs("x", "y") + "\n");
local setsRoot = compilestring("compiledGlobal <- 99;");
setsRoot();
print("cs.root " + compiledGlobal + "\n");
local usesThis = compilestring("return this.tag;");
print("cs.this " + usesThis.call({ tag = "T" }) + "\n");
local seesLocals = compilestring("return typeof compiled;");
try { print("cs.no.locals " + seesLocals() + "\n"); } catch (e) print("cs.no.locals ERR " + e + "\n");
const CONST_BEFORE = 5;
local seesConst = compilestring("return CONST_BEFORE;");
try { print("cs.consts " + seesConst() + "\n"); } catch (e) print("cs.consts ERR " + e + "\n");
local named = compilestring("return 1;", "mybuffer");
print("cs.name " + named.getinfos().src + "\n");
print("cs.default.name " + compiled.getinfos().src + "\n");
try { compilestring(5); } catch (e) print("cs.int ERR " + e + "\n");
local definesFn = compilestring("function fromString(x) { return x * 2; }");
definesFn();
print("cs.function " + fromString(21) + "\n");
