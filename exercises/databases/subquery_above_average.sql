-- Subqueries: comparing a row with its own group
--
-- HR reviews pay: who earns more than the average of their own department?
-- Comparing everyone with the company-wide average flags the whole of a
-- well-paid department and nobody anywhere else: a report that looks
-- plausible and is wrong. A subquery in parentheses is a query inside the
-- query; a CORRELATED subquery refers to the row the outer query is looking
-- at (through the outer table's alias), so it is computed for that row:
-- "the average of THIS employee's department".
--
-- The query below compares with the company-wide average. Fix it: return
-- the name, department and salary of every employee whose salary is strictly
-- above the average salary of their own department, in any order:
--
--   name       | department  | salary
--   -----------+-------------+-------
--   Tom Becker | engineering | 180000
--   ...

SELECT name, department, salary
  FROM employees
 WHERE salary > (SELECT AVG(salary) FROM employees);
