try {
	print("x");
}
print("y");
