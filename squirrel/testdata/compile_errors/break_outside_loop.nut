function f() {
	if (true) break;
}
