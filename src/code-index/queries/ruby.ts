/** Ruby: modules, classes, methods (`def self.x` too), constants; calls with and without receivers, `.new`, superclasses, mixins. */
export const rubyQuery = String.raw`
(module name: [(constant) (scope_resolution)] @name) @definition.module
(class name: [(constant) (scope_resolution)] @name) @definition.class
(method name: (_) @name) @definition.function
(singleton_method name: (_) @name) @definition.method
(program (assignment left: (constant) @name) @definition.constant)
(body_statement (assignment left: (constant) @name) @definition.constant)

(superclass (constant) @name) @reference.inherit
(superclass (scope_resolution scope: (_) @receiver name: (constant) @name)) @reference.inherit
(call method: (identifier) @_include arguments: (argument_list (constant) @name) (#any-of? @_include "include" "extend" "prepend")) @reference.inherit
(call receiver: (constant) @name method: (identifier) @_new (#eq? @_new "new")) @reference.new
(call receiver: (_) @receiver method: (identifier) @name) @reference.call
(call method: (identifier) @name) @reference.call
(body_statement (identifier) @name) @reference.call
`;
