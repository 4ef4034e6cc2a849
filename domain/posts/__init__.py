"""Posts (岗位), the units they are in charge of (分管), and real-name assignments (实名制)."""
