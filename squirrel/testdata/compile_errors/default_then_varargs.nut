function f(a, b = 2, ...) {
	return vargv.len();
}
